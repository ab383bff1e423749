/**
 * The part of the store port about calls: one record per 1:1 call, shared by every
 * node (a call started through one node is accepted, signalled and ended through
 * any other). Transitions are conditional on the current state, so concurrent
 * answers on two nodes cannot both win. Kept in its own file so the Store interface
 * only gains one `extends`.
 */
import type { Call, CallContent, CallState } from '@parley/protocol';

export interface CallRecord extends Call {
  /** When a ringing call becomes missed (epoch ms). */
  ringDeadline: number;
  /** The last time both devices of the call were seen connected (epoch ms). */
  aliveAt: number;
}

/** What a transition changes (the state always; the rest when given). */
export type CallPatch = Partial<
  Pick<CallRecord, 'calleeDevice' | 'answeredAt' | 'endedAt' | 'endReason' | 'endedBy' | 'aliveAt'>
> & { state: CallState };

export interface CallRecords {
  insertCall(call: CallRecord): Promise<void>;
  getCall(id: string): Promise<CallRecord | undefined>;
  /**
   * Changes the call only while it is in one of `from`; returns the call as it is
   * now, or undefined when it was not in those states (someone else moved it first).
   */
  transitionCall(id: string, from: readonly CallState[], patch: CallPatch): Promise<CallRecord | undefined>;
  /** Calls of a user (as caller or callee) that are not over, oldest first. */
  openCallsOf(userId: string): Promise<CallRecord[]>;
  /** Calls that are not over, oldest first, at most `limit` (the sweep). */
  listOpenCalls(limit: number): Promise<CallRecord[]>;
  /** Records that both devices of these active calls were connected at `at`. */
  touchCalls(ids: readonly string[], at: number): Promise<void>;
  /**
   * Replaces a call record message's content (rev = the update entry's seq) and its
   * search entry, in the enclosing write.
   */
  setCallContent(messageId: string, content: CallContent, rev: number): Promise<void>;
}
