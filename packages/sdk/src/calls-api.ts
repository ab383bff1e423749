/**
 * `client.calls`: 1:1 call signalling with typed events, for an app that builds its
 * own call UI. The server keeps the call's state; this API turns its `call.updated`
 * and `call.signal` events into what a device should show (ringing here, calling
 * from another device, answered elsewhere, ended and why) and sends the frames.
 * Media is the app's (or {@link CallPeer}'s): an RTCPeerConnection with the ICE
 * servers from {@link CallsApi.iceServers}, never hard-coded.
 *
 * @example
 * ```ts
 * client.calls.on('incoming', ({ call }) => showRinging(call));
 * client.calls.on('answered.elsewhere', ({ call }) => hideRinging(call.id));
 * client.calls.on('ended', ({ call, reason }) => closeCallUi(call.id, reason));
 * const call = await client.calls.start(conversationId, 'video');
 * ```
 */
import type { Call, CallEndReason, CallMedia, CallSignal, IceServersResult } from '@parley/protocol';
import type { Connection } from './connection';
import { Emitter, type Unsubscribe } from './emitter';

/** The events of `client.calls`. `here`: this device is the one in the call. */
export interface CallEvents {
  /** Someone calls you: ring (every connected device of yours gets it). */
  incoming: { call: Call };
  /** You call someone, from this device (`here: true`) or another of yours ("calling..."). */
  outgoing: { call: Call; here: boolean };
  /** The call was answered; `here`: this device is in it (start the media). */
  accepted: { call: Call; here: boolean };
  /** You were called and another of your devices answered: stop ringing. */
  'answered.elsewhere': { call: Call };
  /** The call is over (declined, cancelled, busy, missed, hung up, disconnected). */
  ended: { call: Call; reason: CallEndReason };
  /** Every change of every call you are part of, as the server sent it. */
  updated: { call: Call };
  /** The other device in your call sent a description, a candidate or its media state. */
  signal: { callId: string; fromUserId: string; signal: CallSignal };
}

export class CallsApi {
  private readonly emitter: Emitter<CallEvents>;
  /** The state last seen of each call, so a repeated or replayed update is not announced twice. */
  private readonly known = new Map<string, Call['state']>();

  constructor(
    private readonly connection: Connection,
    onHandlerError: (error: unknown) => void,
  ) {
    this.emitter = new Emitter<CallEvents>(onHandlerError);
  }

  /** Listens to a call event; returns the function that stops listening. */
  on<K extends keyof CallEvents>(event: K, handler: (payload: CallEvents[K]) => void): Unsubscribe {
    return this.emitter.on(event, handler);
  }

  /** This device's session id (the `callerDevice` / `calleeDevice` of calls it is in). */
  get deviceId(): string | undefined {
    return this.connection.auth?.sessionId;
  }

  /** Calls the other member of a direct conversation; every device of theirs rings. */
  async start(conversationId: string, media: CallMedia): Promise<Call> {
    const { call } = await this.connection.request('call.start', { conversationId, media });
    this.apply(call);
    return call;
  }

  /** Answers on this device; your other devices stop ringing. Rejects with `call_not_ringing` when too late. */
  async accept(callId: string): Promise<Call> {
    const { call } = await this.connection.request('call.accept', { callId });
    this.apply(call);
    return call;
  }

  async decline(callId: string): Promise<Call> {
    const { call } = await this.connection.request('call.decline', { callId });
    this.apply(call);
    return call;
  }

  /** Cancels (caller, before an answer), declines (callee, before an answer) or hangs up. */
  async hangup(callId: string): Promise<Call> {
    const { call } = await this.connection.request('call.hangup', { callId });
    this.apply(call);
    return call;
  }

  /** Sends a signal to the other device in an answered call. */
  async signal(callId: string, signal: CallSignal): Promise<void> {
    await this.connection.request('call.signal', { callId, signal });
  }

  /** The ICE servers (STUN, and TURN with fresh credentials when configured) for RTCPeerConnection. */
  iceServers(): Promise<IceServersResult> {
    return this.connection.request('call.ice_servers', {});
  }

  /** Your calls that are ringing or answered (a device that connects while a call rings announces it). */
  async list(): Promise<Call[]> {
    const { calls } = await this.connection.request('call.list', {});
    for (const call of calls) this.apply(call);
    return calls;
  }

  /** @internal The client hands it each `call.updated` event. */
  handleUpdated(call: Call): void {
    this.apply(call);
  }

  /** @internal The client hands it each `call.signal` event. */
  handleSignal(data: CallEvents['signal']): void {
    this.emitter.emit('signal', data);
  }

  /** @internal Forget what was seen (a new login). */
  reset(): void {
    this.known.clear();
  }

  private apply(call: Call): void {
    if (this.known.get(call.id) === call.state) return;
    const before = this.known.get(call.id);
    if (before === 'ended') return;
    this.known.set(call.id, call.state);
    this.emitter.emit('updated', { call });
    const me = this.connection.auth?.user.id;
    const device = this.deviceId;
    switch (call.state) {
      case 'ringing':
        if (call.calleeId === me) this.emitter.emit('incoming', { call });
        else this.emitter.emit('outgoing', { call, here: call.callerDevice === device });
        return;
      case 'active': {
        const here = call.callerDevice === device || call.calleeDevice === device;
        if (!here && call.calleeId === me) this.emitter.emit('answered.elsewhere', { call });
        this.emitter.emit('accepted', { call, here });
        return;
      }
      case 'ended':
        this.emitter.emit('ended', { call, reason: call.endReason ?? 'hangup' });
        return;
    }
  }
}
