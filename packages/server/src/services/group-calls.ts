/**
 * Group calls in groups and channels (ADR 0029): a call is a room on the SFU, created
 * by the first join and destroyed when the last participant leaves. Parley is the
 * SFU's only API client: devices send their session descriptions here, this service
 * relays them to the SFU and returns its answers, so nobody reaches a room without
 * passing the permission matrix (joining needs the right to post, seeing the call the
 * right to read). The room itself is the shared state of the call: each published
 * feed carries a label with its user, device and media state, so every node answers
 * "who is in the call" from the SFU, not from its own memory. What this node keeps is
 * only what is bound to it anyway: the SFU handles of the devices connected here
 * (dropped when a device disconnects). Changes go to the members' devices as
 * ephemeral `group_call.updated` events on the conversation topic, like typing.
 */
import { createHash, randomInt } from 'node:crypto';
import type {
  GroupCallMedia,
  GroupCallParticipant,
  GroupCallState,
  GroupCallUnavailableReason,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { topics } from '../ports/bus';
import { SfuFeedNotReady, type Sfu, type SfuHandle } from '../ports/sfu';
import type { AuthContext } from './accounts';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import type { MessageService } from './messages';

export interface GroupCallOptions {
  /** The SFU; null when PARLEY_JANUS_URL is unset (group calls unavailable, 1:1 calls unaffected). */
  sfu: Sfu | null;
  /** Most participants (published feeds) in one call. */
  maxParticipants: number;
}

/** One device of this node in a group call, with its SFU handles. */
interface LocalParticipant {
  conversationId: string;
  room: number;
  participant: GroupCallParticipant;
  publisher: SfuHandle;
  subscriptions: Map<string, SfuHandle>;
}

/** Feed ids are random below 2^48 (Janus takes any positive integer; collisions are the SFU's to refuse). */
const FEED_ID_LIMIT = 2 ** 48;

/** The SFU room of a conversation's call: a 48-bit number derived from its id (stable on every node). */
export function roomOf(conversationId: string): number {
  return createHash('sha256').update(`parley-group-call:${conversationId}`).digest().readUIntBE(0, 6) + 1;
}

/** A participant as the feed's label carries it (short keys: it travels in every listparticipants). */
function labelOf(p: GroupCallParticipant): string {
  return JSON.stringify({ u: p.userId, s: p.sessionId, a: p.audio, v: p.video, sc: p.screen });
}

function fromLabel(feedId: number, label: string): GroupCallParticipant | undefined {
  try {
    const l = JSON.parse(label) as Record<string, unknown>;
    if (typeof l.u !== 'string' || typeof l.s !== 'string') return undefined;
    return { userId: l.u, sessionId: l.s, feedId, audio: l.a === true, video: l.v === true, screen: l.sc === true };
  } catch {
    return undefined; // a feed Parley did not publish: not a participant
  }
}

export class GroupCallService {
  /** This node's devices in calls, by session id. */
  private readonly local = new Map<string, LocalParticipant>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
    private readonly options: GroupCallOptions,
  ) {}

  /** The call of a conversation: who is in it, and whether one can join (members who may read). */
  async get(auth: AuthContext, conversationId: string): Promise<GroupCallState> {
    const { conversation } = await this.conversations.authorize(auth, conversationId, 'read', {}, { members: false });
    const base = { conversationId, maxParticipants: this.options.maxParticipants };
    const reason = this.unavailable(conversation.kind);
    if (reason !== undefined) return { ...base, available: false, reason, participants: [] };
    try {
      return { ...base, available: true, participants: await this.participants(roomOf(conversationId)) };
    } catch (error) {
      this.deps.logger.warn({ err: error, conversationId }, 'the SFU did not answer');
      return { ...base, available: false, reason: 'unreachable', participants: [] };
    }
  }

  /**
   * Joins this device to the conversation's call (creating the room when nobody is in it)
   * and publishes its offer; resolves with the SFU's answer. A device already in a call
   * leaves it first. Needs the right to post (a broadcast channel's readers cannot join).
   */
  async join(
    auth: AuthContext,
    conversationId: string,
    offerSdp: string,
    media: GroupCallMedia,
  ): Promise<{ sdp: string; feedId: number; participants: GroupCallParticipant[] }> {
    const { conversation } = await this.messages.checkMayPost(auth, conversationId);
    const sfu = this.checkAvailable(conversation.kind);
    if (this.local.has(auth.session.id)) await this.leaveDevice(auth.session.id);
    const room = roomOf(conversationId);
    const present = await this.sfuCall(() => this.participants(room));
    if (present.length >= this.options.maxParticipants) {
      throw new AppError('group_call_full', `This call already has ${this.options.maxParticipants} participants.`, {
        details: { maxParticipants: this.options.maxParticipants },
      });
    }
    const participant: GroupCallParticipant = {
      userId: auth.user.id,
      sessionId: auth.session.id,
      feedId: randomInt(1, FEED_ID_LIMIT),
      ...media,
    };
    const published = await this.sfuCall(() =>
      sfu.publish(room, this.options.maxParticipants, participant.feedId, labelOf(participant), offerSdp),
    );
    this.local.set(auth.session.id, {
      conversationId,
      room,
      participant,
      publisher: published.handle,
      subscriptions: new Map(),
    });
    const participants = await this.sfuCall(() => this.participants(room));
    await this.announce(conversationId, 'joined', participant, participants);
    this.deps.logger.info({ conversationId, feedId: participant.feedId }, 'group call joined');
    return { sdp: published.answerSdp, feedId: participant.feedId, participants };
  }

  /** Subscribes this device to another participant's feed; resolves with the SFU's offer. */
  async subscribe(
    auth: AuthContext,
    conversationId: string,
    feedId: number,
  ): Promise<{ subscriptionId: string; sdp: string }> {
    const mine = this.mine(auth, conversationId);
    const sfu = this.checkAvailable('group');
    const present = await this.sfuCall(() => this.participants(mine.room));
    if (!present.some((p) => p.feedId === feedId)) throw new AppError('not_found', 'No such feed in this call.');
    const { handle, offerSdp } = await this.sfuCall(async () => {
      try {
        return await sfu.subscribe(mine.room, feedId);
      } catch (error) {
        if (!(error instanceof SfuFeedNotReady)) throw error;
        throw new AppError('group_call_feed_not_ready', 'That participant is still connecting: ask again shortly.', {
          details: { feedId },
        });
      }
    });
    mine.subscriptions.set(handle.id, handle);
    return { subscriptionId: handle.id, sdp: offerSdp };
  }

  /** Completes one of this device's subscriptions with its answer. */
  async answer(auth: AuthContext, conversationId: string, subscriptionId: string, answerSdp: string): Promise<void> {
    const handle = this.subscription(auth, conversationId, subscriptionId);
    await this.sfuCall(() => this.checkAvailable('group').answer(handle, answerSdp));
  }

  async unsubscribe(auth: AuthContext, conversationId: string, subscriptionId: string): Promise<void> {
    const handle = this.subscription(auth, conversationId, subscriptionId);
    this.mine(auth, conversationId).subscriptions.delete(subscriptionId);
    await this.sfuCall(() => this.checkAvailable('group').close(handle));
  }

  /** Announces this device's media state (muted, camera, screen) to everyone in the call. */
  async setMedia(auth: AuthContext, conversationId: string, media: GroupCallMedia): Promise<void> {
    const mine = this.mine(auth, conversationId);
    mine.participant = { ...mine.participant, ...media };
    await this.sfuCall(() => this.checkAvailable('group').relabel(mine.publisher, labelOf(mine.participant)));
    const participants = await this.sfuCall(() => this.participants(mine.room));
    await this.announce(conversationId, 'media', mine.participant, participants);
  }

  async leave(auth: AuthContext, conversationId: string): Promise<void> {
    this.mine(auth, conversationId);
    await this.leaveDevice(auth.session.id);
  }

  /** A device's connection closed: it leaves the call it was in (nothing if none). */
  async disconnected(sessionId: string): Promise<void> {
    if (this.local.has(sessionId)) await this.leaveDevice(sessionId);
  }

  /** Leaves every call of this node's devices (the node stops) and closes the SFU client. */
  async stop(): Promise<void> {
    for (const sessionId of [...this.local.keys()]) {
      await this.leaveDevice(sessionId).catch((error: unknown) =>
        this.deps.logger.warn({ err: error }, 'leaving a group call at stop failed'),
      );
    }
    await this.options.sfu?.stop();
  }

  private async leaveDevice(sessionId: string): Promise<void> {
    const mine = this.local.get(sessionId);
    const sfu = this.options.sfu;
    if (!mine || !sfu) return;
    this.local.delete(sessionId);
    for (const handle of mine.subscriptions.values()) await sfu.close(handle);
    await sfu.close(mine.publisher);
    // Janus takes a detached feed out of the room a moment after it answers the detach:
    // the one leaving is not in the call any more, whatever the list still says.
    const participants = (await this.participants(mine.room)).filter((p) => p.feedId !== mine.participant.feedId);
    // The last one out ends the call. A join racing this destroy re-creates the room (see join).
    if (participants.length === 0) await sfu.destroyRoom(mine.room);
    await this.announce(mine.conversationId, 'left', mine.participant, participants);
    this.deps.logger.info({ conversationId: mine.conversationId, feedId: mine.participant.feedId }, 'group call left');
  }

  private unavailable(kind: string): GroupCallUnavailableReason | undefined {
    if (this.options.sfu === null) return 'not_configured';
    if (kind === 'direct') return 'direct';
    return undefined;
  }

  private checkAvailable(kind: string): Sfu {
    const reason = this.unavailable(kind);
    if (reason !== undefined || this.options.sfu === null) {
      const text =
        reason === 'direct'
          ? 'A direct conversation has no group call: call the other person instead.'
          : 'Group calls are not configured on this server (PARLEY_JANUS_URL).';
      throw new AppError('group_call_unavailable', text, { details: { reason: reason ?? 'not_configured' } });
    }
    return this.options.sfu;
  }

  /** Runs an SFU request; a failure to reach it becomes `group_call_unavailable` (unreachable). */
  private async sfuCall<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.deps.logger.warn({ err: error }, 'SFU request failed');
      throw new AppError('group_call_unavailable', 'The media server did not answer; try again later.', {
        details: { reason: 'unreachable' },
        cause: error,
      });
    }
  }

  private async participants(room: number): Promise<GroupCallParticipant[]> {
    const sfu = this.options.sfu;
    if (!sfu) return [];
    const feeds = await sfu.publishers(room);
    return feeds.flatMap((f) => fromLabel(f.feedId, f.label) ?? []);
  }

  /** This device's place in the conversation's call, or `not_in_group_call`. */
  private mine(auth: AuthContext, conversationId: string): LocalParticipant {
    const mine = this.local.get(auth.session.id);
    if (!mine || mine.conversationId !== conversationId) {
      throw new AppError('not_in_group_call', 'This device is not in the group call of that conversation.');
    }
    return mine;
  }

  private subscription(auth: AuthContext, conversationId: string, subscriptionId: string): SfuHandle {
    const handle = this.mine(auth, conversationId).subscriptions.get(subscriptionId);
    if (!handle) throw new AppError('not_in_group_call', 'That subscription is not one of this device’s.');
    return handle;
  }

  private async announce(
    conversationId: string,
    change: 'joined' | 'left' | 'media',
    participant: GroupCallParticipant,
    participants: GroupCallParticipant[],
  ): Promise<void> {
    await this.deps.events.publish(topics.conversation(conversationId), {
      v: 1,
      type: 'group_call.updated',
      conversationId,
      change,
      participant,
      participants,
    });
  }
}
