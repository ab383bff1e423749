/**
 * The part of the store port that retention persists (issue 19, docs/adr/0019):
 * conversations' own periods, legal holds, the lease one node holds while it runs a
 * batch, finding what has expired, and the deletion routine itself (`purgeMessages`,
 * store/queries/purge.ts); and what exports read. Only persistence: the retention service
 * decides the policy and who may change it.
 */
import type { Message } from '@parley/protocol';

/** What reclaiming space did: SQLite's WAL checkpoint (busy: a reader kept part of the WAL). */
export interface ReclaimReport {
  walCheckpointed: boolean;
  walBusy: boolean;
}

export interface RetentionHoldRecord {
  id: string;
  kind: 'user' | 'conversation';
  targetId: string;
  reason: string;
  createdBy: string | null;
  createdAt: number;
}

/** Which messages a batch looks at: those created before `cutoff`, minus the held ones. */
export interface ExpiredQuery {
  cutoff: number;
  /** One conversation (with its own period); otherwise every conversation without one. */
  conversationId?: string;
  heldUserIds: readonly string[];
  heldConversationIds: readonly string[];
  limit: number;
}

export interface ExpiredMessage {
  id: string;
  conversationId: string;
  seq: number;
}

/** What `purgeMessages` removed; `releasedFileIds`: files no message carries any more. */
export interface PurgeCounts {
  messages: number;
  /** Later entries that carried the text (edits) rewritten as content-free `expired` entries. */
  edits: number;
  reactions: number;
  mentions: number;
  threadParticipants: number;
  reports: number;
  calls: number;
  /** Kept replies whose quoted excerpt was emptied. */
  quotes: number;
  fileRefs: number;
  releasedFileIds: string[];
}

export interface RetentionRecords {
  /** The conversation's own period: a number of days, null (the server's), undefined (no such conversation). */
  getConversationRetention(conversationId: string): Promise<number | null | undefined>;
  setConversationRetention(conversationId: string, days: number | null): Promise<void>;
  /** Conversations with their own period. */
  listConversationRetention(): Promise<{ conversationId: string; days: number }[]>;

  listRetentionHolds(): Promise<RetentionHoldRecord[]>;
  /** False when the same target is already held. */
  addRetentionHold(hold: RetentionHoldRecord): Promise<boolean>;
  /** The removed hold, or undefined when there was none. */
  removeRetentionHold(id: string): Promise<RetentionHoldRecord | undefined>;

  /** Oldest first, at most `limit`. */
  findExpiredMessages(query: ExpiredQuery): Promise<ExpiredMessage[]>;
  /** Deletes the messages for good, with everything that refers to them (inside the caller's transaction). */
  purgeMessages(ids: readonly string[]): Promise<PurgeCounts>;
  /** Tests and audits: rows that still refer to these message ids, per table. */
  countMessageReferences(ids: readonly string[]): Promise<Record<string, number>>;
  /**
   * Copies of content kept for delivery, older than `before`: outbox rows, webhook
   * deliveries (with their attempts), dead letters, pending jobs of `jobKinds` (those whose
   * payload has content, such as a push's text), bot interactions, cached link previews and
   * the digests pre-send hooks keep. Returns how many rows went.
   */
  pruneContentCopies(before: number, jobKinds: readonly string[]): Promise<number>;

  /** Takes (or renews) the named lease until `until` unless another holder has it unexpired. */
  acquireLease(name: string, holder: string, until: number, now: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  /** Exports: one user's messages (no update or system entries), oldest first, after a (createdAt, id). */
  listMessagesBySender(
    senderId: string,
    after: { createdAt: number; id: string } | undefined,
    limit: number,
  ): Promise<Message[]>;
  /** After deleting: see StoreDialect.reclaim. */
  reclaimSpace(): Promise<ReclaimReport>;
}
