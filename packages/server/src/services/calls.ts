/**
 * 1:1 calls: signalling and authorization, never media. The call's state is a row
 * of the store (every node reads and moves it; transitions are conditional, so the
 * first device to accept wins on every node) and a call record message in the
 * direct conversation, changed through `update` entries (action `call`) as the
 * call goes, so it syncs, pages and searches like any message. Each transition
 * commits with its events (the record's entries on the conversation topic,
 * `call.updated` on both people's user topics: every device rings or stops);
 * signals (SDP, ICE candidates, media state) are relayed to the other device of
 * the call only, on its device topic, wherever it is connected. `sweep` (run by
 * every node, idempotent) ends calls that rang too long and calls whose devices
 * stayed away, with the last moment both were connected as the end. Media never
 * goes through Parley, so a call outlives a server restart when its devices
 * reconnect within the window.
 */
import type {
  Call,
  CallContent,
  CallEndReason,
  CallMedia,
  CallSignal,
  CallState,
  CallStatus,
  IceServersResult,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { topics } from '../ports/bus';
import type { CallPatch, CallRecord } from '../ports/call-records';
import type { PresenceRegistry } from '../ports/presence';
import type { Store } from '../ports/store';
import type { AuthContext } from './accounts';
import type { ServiceDeps } from './deps';
import type { MessageService } from './messages';
import { iceServersFor, type TurnOptions } from './turn';

export interface CallOptions {
  /** A ringing call ends as missed after this long. */
  ringMs: number;
  /** An answered call ends as disconnected when a device stays away this long. */
  reconnectMs: number;
  turn: TurnOptions;
}

/** Open calls one sweep looks at, at most. */
const SWEEP_BATCH = 500;

/** The wire form of a record (without the sweep's bookkeeping). */
function toCall(record: CallRecord): Call {
  const { ringDeadline: _deadline, aliveAt: _alive, ...call } = record;
  return call;
}

/** What the call record message says about a call in this state. */
export function recordStatus(call: Call): CallStatus {
  if (call.state === 'ringing') return 'ringing';
  if (call.state === 'active') return 'ongoing';
  switch (call.endReason) {
    case 'hangup':
    case 'disconnected':
      return call.answeredAt === null ? 'missed' : 'answered';
    case 'declined':
    case 'cancelled':
    case 'busy':
    case 'missed':
      return call.endReason;
    case null:
      return 'missed';
  }
}

export function recordContent(call: Call): CallContent {
  const status = recordStatus(call);
  return {
    type: 'call',
    callId: call.id,
    media: call.media,
    status,
    ...(call.answeredAt === null ? {} : { answeredAt: call.answeredAt }),
    ...(call.endedAt === null ? {} : { endedAt: call.endedAt }),
    ...(status === 'answered' && call.answeredAt !== null && call.endedAt !== null
      ? { durationMs: Math.max(0, call.endedAt - call.answeredAt) }
      : {}),
  };
}

export class CallService {
  /**
   * When this node's first sweep ran (it starts once the node listens): after a restart
   * nobody's devices are connected yet, so a device counts as away only from then on
   * (they get the whole window to come back).
   */
  private since: number | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly messages: MessageService,
    private readonly registry: PresenceRegistry,
    private readonly options: CallOptions,
  ) {}

  /** ICE servers for this user's calls (TURN credentials minted now). */
  iceServers(auth: AuthContext): IceServersResult {
    return iceServersFor(this.options.turn, auth.user.id, this.deps.clock.now());
  }

  /**
   * Rings every device of the other member of a direct conversation. The caller must be
   * allowed to post there (member, not muted, no block either way) and in no other call;
   * a callee in another call makes this one end at once as `busy` (it is still recorded).
   */
  async start(auth: AuthContext, conversationId: string, media: CallMedia): Promise<Call> {
    const { conversation } = await this.messages.checkMayPost(auth, conversationId);
    if (conversation.kind !== 'direct') {
      throw new AppError('invalid_operation', 'Calls are only available in direct conversations for now.');
    }
    const callee = conversation.members.find((m) => m.userId !== auth.user.id);
    if (!callee) throw new AppError('invalid_operation', 'There is nobody else in this conversation to call.');
    const mine = await this.deps.store.openCallsOf(auth.user.id);
    if (mine.length > 0) {
      throw new AppError('call_in_progress', 'You are already in a call.', { details: { callId: mine[0]!.id } });
    }
    const busy = (await this.deps.store.openCallsOf(callee.userId)).length > 0;
    const now = this.deps.clock.now();
    const record: CallRecord = {
      id: newId('v', now),
      conversationId,
      messageId: newId('m', now),
      callerId: auth.user.id,
      calleeId: callee.userId,
      media,
      state: busy ? 'ended' : 'ringing',
      callerDevice: auth.session.id,
      calleeDevice: null,
      startedAt: now,
      answeredAt: null,
      endedAt: busy ? now : null,
      endReason: busy ? 'busy' : null,
      endedBy: null,
      ringDeadline: now + this.options.ringMs,
      aliveAt: now,
    };
    const call = toCall(record);
    await this.deps.store.write(conversationId, async (tx) => {
      const { message } = await tx.appendMessage({
        id: record.messageId,
        conversationId,
        senderId: auth.user.id,
        clientId: newId('u', now),
        content: recordContent(call),
        createdAt: now,
      });
      await tx.insertCall(record);
      await tx.emit(topics.conversation(conversationId), { v: 1, type: 'message.new', message });
      await this.emitCall(tx, call);
    });
    this.deps.logger.info({ callId: call.id, conversationId, busy }, 'call started');
    return call;
  }

  /** The callee accepts on this device; the callee's other devices stop ringing. */
  async accept(auth: AuthContext, callId: string): Promise<Call> {
    const call = await this.party(auth, callId);
    if (call.calleeId !== auth.user.id) throw new AppError('forbidden', 'Only the person called may accept.');
    const now = this.deps.clock.now();
    return this.transition(call, ['ringing'], {
      state: 'active',
      calleeDevice: auth.session.id,
      answeredAt: now,
      aliveAt: now,
    });
  }

  /** The callee declines (on any of their devices). */
  async decline(auth: AuthContext, callId: string): Promise<Call> {
    const call = await this.party(auth, callId);
    if (call.calleeId !== auth.user.id) throw new AppError('forbidden', 'Only the person called may decline.');
    return this.end(call, ['ringing'], 'declined', auth.user.id);
  }

  /**
   * Ends the call from either side: before an answer the caller cancels (the callee
   * declines), after it either hangs up. A call already over is answered as it is.
   */
  async hangup(auth: AuthContext, callId: string): Promise<Call> {
    const call = await this.party(auth, callId);
    if (call.state === 'ended') return toCall(call);
    if (call.state === 'ringing') {
      const reason = call.callerId === auth.user.id ? 'cancelled' : 'declined';
      return this.end(call, ['ringing'], reason, auth.user.id);
    }
    return this.end(call, ['active'], 'hangup', auth.user.id);
  }

  /**
   * Relays a signal from one device in an answered call to the other one (offers and
   * answers again for renegotiation and ICE restarts). No other device, not even the
   * same person's, receives it.
   */
  async signal(auth: AuthContext, callId: string, signal: CallSignal): Promise<void> {
    const call = await this.party(auth, callId);
    if (call.state !== 'active' || call.calleeDevice === null) {
      throw new AppError('invalid_operation', 'Signals are relayed only in an answered call.', {
        details: { state: call.state },
      });
    }
    const from = auth.session.id;
    const to =
      from === call.callerDevice ? call.calleeDevice : from === call.calleeDevice ? call.callerDevice : undefined;
    if (to === undefined) {
      throw new AppError('forbidden', 'Only the two devices in the call may signal.');
    }
    await this.deps.events.publish(topics.device(to), {
      v: 1,
      type: 'call.signal',
      callId,
      fromUserId: auth.user.id,
      signal,
    });
  }

  /** The calls this user is part of that are not over (to ring again after a reconnect). */
  async open(auth: AuthContext): Promise<Call[]> {
    return (await this.deps.store.openCallsOf(auth.user.id)).map(toCall);
  }

  /**
   * Ends calls that rang past their deadline (`missed`) and answered calls one of whose
   * devices has been away longer than the reconnect window (`disconnected`, ended at
   * the last moment both were seen); records that both devices of the others are here.
   * Every node may run it at once: transitions are conditional, so each call ends once.
   */
  async sweep(): Promise<void> {
    const now = this.deps.clock.now();
    const since = (this.since ??= now);
    const alive: string[] = [];
    for (const call of await this.deps.store.listOpenCalls(SWEEP_BATCH)) {
      if (call.state === 'ringing') {
        if (call.ringDeadline <= now) await this.end(call, ['ringing'], 'missed', null, call.ringDeadline, true);
        continue;
      }
      if (this.connected(call.callerId, call.callerDevice) && this.connected(call.calleeId, call.calleeDevice)) {
        alive.push(call.id);
      } else if (now - Math.max(call.aliveAt, since) > this.options.reconnectMs) {
        await this.end(call, ['active'], 'disconnected', null, call.aliveAt, true);
      }
    }
    if (alive.length > 0) await this.deps.store.touchCalls(alive, now);
  }

  private connected(userId: string, sessionId: string | null): boolean {
    return sessionId !== null && this.registry.devicesOf(userId).some((d) => d.sessionId === sessionId);
  }

  /** The call, if the actor is its caller or callee (anyone else: not found, nothing revealed). */
  private async party(auth: AuthContext, callId: string): Promise<CallRecord> {
    const call = await this.deps.store.getCall(callId);
    if (!call || (call.callerId !== auth.user.id && call.calleeId !== auth.user.id)) {
      throw new AppError('not_found', 'No such call.');
    }
    return call;
  }

  private end(
    call: CallRecord,
    from: readonly CallState[],
    reason: CallEndReason,
    by: string | null,
    at: number = this.deps.clock.now(),
    quiet = false,
  ): Promise<Call> {
    return this.transition(call, from, { state: 'ended', endedAt: at, endReason: reason, endedBy: by }, quiet);
  }

  /**
   * Moves the call if it is still in `from`, and in the same write appends the record's
   * update entry and the events. Someone else moved it first: `call_not_ringing` with the
   * call as it is (or, for the sweep, nothing).
   */
  private async transition(
    call: CallRecord,
    from: readonly CallState[],
    patch: CallPatch,
    quiet = false,
  ): Promise<Call> {
    const now = this.deps.clock.now();
    const moved = await this.deps.store.write(call.conversationId, async (tx) => {
      const next = await tx.transitionCall(call.id, from, patch);
      if (!next) return undefined;
      const wire = toCall(next);
      const content = recordContent(wire);
      // The record's sender makes the change the server makes on its own (missed, disconnected).
      const { message } = await tx.appendMessage({
        id: newId('m', now),
        conversationId: call.conversationId,
        senderId: patch.endedBy ?? (patch.calleeDevice ? call.calleeId : call.callerId),
        clientId: newId('u', now),
        content: { type: 'update', action: 'call', messageId: call.messageId, call: content },
        createdAt: now,
      });
      await tx.setCallContent(call.messageId, content, message.seq);
      await tx.emit(topics.conversation(call.conversationId), { v: 1, type: 'message.new', message });
      await this.emitCall(tx, wire);
      return wire;
    });
    if (moved) {
      this.deps.logger.info({ callId: call.id, state: moved.state, endReason: moved.endReason }, 'call changed');
      return moved;
    }
    const current = await this.deps.store.getCall(call.id);
    if (quiet || !current) return toCall(current ?? call);
    throw new AppError('call_not_ringing', 'The call is no longer ringing.', { details: { call: toCall(current) } });
  }

  private async emitCall(tx: Store, call: Call): Promise<void> {
    await tx.emit(topics.user(call.callerId), { v: 1, type: 'call.updated', call });
    await tx.emit(topics.user(call.calleeId), { v: 1, type: 'call.updated', call });
  }
}
