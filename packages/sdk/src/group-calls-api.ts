/**
 * `client.groupCalls`: the signalling of group calls in groups and channels (ADR 0029)
 * with typed events. The server relays every session description to the SFU and back,
 * so an app never talks to the SFU's API; {@link GroupCall} does the media in a
 * browser on top of this, and an app with its own WebRTC stack can use these frames
 * directly.
 *
 * @example
 * ```ts
 * const state = await client.groupCalls.get(conversationId);
 * if (!state.available) showDisabled(state.reason);
 * client.groupCalls.on('joined', ({ conversationId, participant }) => showBanner(conversationId, participant));
 * ```
 */
import type { GroupCallMedia, GroupCallParticipant, GroupCallState } from '@parley/protocol';
import type { Connection } from './connection';
import { Emitter, type Unsubscribe } from './emitter';

/** A change of a conversation's group call, as every member's devices get it. */
export interface GroupCallChange {
  conversationId: string;
  participant: GroupCallParticipant;
  /** Everyone in the call after the change. */
  participants: GroupCallParticipant[];
}

/** The events of `client.groupCalls`. */
export interface GroupCallEvents {
  /** Someone joined a call in one of your conversations (a call starts with its first join). */
  joined: GroupCallChange;
  /** Someone left (an empty `participants`: the call is over). */
  left: GroupCallChange;
  /** Someone muted, unmuted, turned the camera on or off, or shares the screen. */
  media: GroupCallChange;
}

export class GroupCallsApi {
  private readonly emitter: Emitter<GroupCallEvents>;

  constructor(
    private readonly connection: Connection,
    onHandlerError: (error: unknown) => void,
  ) {
    this.emitter = new Emitter<GroupCallEvents>(onHandlerError);
  }

  on<K extends keyof GroupCallEvents>(event: K, handler: (payload: GroupCallEvents[K]) => void): Unsubscribe {
    return this.emitter.on(event, handler);
  }

  /** This device's session id (the `sessionId` of its participant). */
  get deviceId(): string | undefined {
    return this.connection.auth?.sessionId;
  }

  /** Who is in the conversation's call, and whether one can join (`reason` when not). */
  async get(conversationId: string): Promise<GroupCallState> {
    const { call } = await this.connection.request('group_call.get', { conversationId });
    return call;
  }

  /**
   * Joins with this device and publishes `offerSdp` (with its candidates: gather first);
   * resolves with the SFU's answer, this device's feed and everyone in the call. Rejects
   * with `group_call_unavailable`, `group_call_full`, `not_member` or `forbidden`.
   */
  join(
    conversationId: string,
    offerSdp: string,
    media: GroupCallMedia,
  ): Promise<{ sdp: string; feedId: number; participants: GroupCallParticipant[] }> {
    return this.connection.request('group_call.join', { conversationId, sdp: offerSdp, media });
  }

  /** Subscribes to a participant's feed: answer the returned offer with {@link answer}. */
  subscribe(conversationId: string, feedId: number): Promise<{ subscriptionId: string; sdp: string }> {
    return this.connection.request('group_call.subscribe', { conversationId, feedId });
  }

  async answer(conversationId: string, subscriptionId: string, answerSdp: string): Promise<void> {
    await this.connection.request('group_call.answer', { conversationId, subscriptionId, sdp: answerSdp });
  }

  async unsubscribe(conversationId: string, subscriptionId: string): Promise<void> {
    await this.connection.request('group_call.unsubscribe', { conversationId, subscriptionId });
  }

  /** Tells everyone in the call this device's microphone, camera and screen state. */
  async setMedia(conversationId: string, media: GroupCallMedia): Promise<void> {
    await this.connection.request('group_call.media', { conversationId, media });
  }

  async leave(conversationId: string): Promise<void> {
    await this.connection.request('group_call.leave', { conversationId });
  }

  /** @internal The client hands it each `group_call.updated` event. */
  handleUpdated(data: GroupCallChange & { change: keyof GroupCallEvents }): void {
    const { change, ...rest } = data;
    this.emitter.emit(change, rest);
  }
}
