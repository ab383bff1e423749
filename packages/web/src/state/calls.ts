/**
 * CallController: the web app's calls, on the SDK's `client.calls` and `CallPeer`.
 * It mirrors call events into one small immutable state (the call shown, its
 * streams and media state) that the call screen renders, and carries out the
 * person's actions (call, accept, decline, hang up, mute, camera, screen share).
 * ICE servers always come from the server. Signals that arrive before this
 * device's peer exists (the caller's offer racing our accept) are held and
 * replayed into it. Owned by ChatController; components reach it as
 * `controller.calls`.
 */
import type { Call, CallEndReason, CallMedia, CallSignal } from '@parley/protocol';
import { CallPeer, type ParleyClient } from '@parley/sdk';
import { errorText } from '../lib/error-text';
import { Store } from './store';

export type CallPhase =
  /** Ringing here: accept or decline. */
  | 'incoming'
  /** I am calling from this device. */
  | 'outgoing'
  /** I am calling from another of my devices. */
  | 'calling-elsewhere'
  /** Answered: this device is in the call. */
  | 'active'
  /** Answered on another of my devices. */
  | 'elsewhere'
  | 'ended';

export interface CallView {
  call: Call;
  phase: CallPhase;
  local: MediaStream | null;
  remote: MediaStream | null;
  muted: boolean;
  cameraOn: boolean;
  sharing: boolean;
  remoteMedia: { audio: boolean; video: boolean; screen: boolean };
  connection: RTCPeerConnectionState | 'new';
  /** Why it ended (phase `ended`). */
  ended?: { reason: CallEndReason; byMe: boolean };
  /** The TURN relay is not configured: only direct connections (a LAN). */
  noRelay: boolean;
  error?: string;
}

export interface CallUiState {
  view: CallView | null;
}

/** How long "ended" and "answered on another device" stay on screen. */
const NOTICE_MS = 3_000;

export class CallController {
  readonly store = new Store<CallUiState>({ view: null });
  private peer: CallPeer | null = null;
  private held: { callId: string; signal: CallSignal }[] = [];
  private local: MediaStream | null = null;
  private screen: MediaStreamTrack | null = null;
  private readonly offs: (() => void)[] = [];
  private clearTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: ParleyClient,
    private readonly onError: (text: string) => void,
    /** A call rings here (for a notification while the tab is hidden). */
    private readonly onRing: (call: Call) => void = () => undefined,
  ) {}

  get view(): CallView | null {
    return this.store.get().view;
  }

  start(): void {
    const calls = this.client.calls;
    this.offs.push(
      calls.on('incoming', ({ call }) => {
        if (this.view && this.view.phase !== 'ended' && this.view.call.id !== call.id) return;
        this.show(call, 'incoming');
        this.onRing(call);
      }),
      calls.on('outgoing', ({ call, here }) => this.show(call, here ? 'outgoing' : 'calling-elsewhere')),
      calls.on('accepted', ({ call, here }) => {
        if (here) void this.connect(call);
        else if (this.view?.call.id === call.id) {
          this.show(call, 'elsewhere');
          this.clearLater(call.id);
        }
      }),
      calls.on('ended', ({ call, reason }) => this.onEnded(call, reason)),
      calls.on('signal', (signal) => {
        if (this.peer === null) this.held.push(signal);
      }),
    );
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.teardown();
  }

  /** Calls the other person of a direct conversation. */
  async call(conversationId: string, media: CallMedia): Promise<void> {
    try {
      this.local = await this.media(media);
      const call = await this.client.calls.start(conversationId, media);
      if (call.state === 'ended') this.onEnded(call, call.endReason ?? 'hangup');
    } catch (error) {
      this.releaseLocal();
      this.onError(errorText(error));
    }
  }

  async accept(): Promise<void> {
    const view = this.view;
    if (view?.phase !== 'incoming') return;
    try {
      this.local = await this.media(view.call.media);
      await this.client.calls.accept(view.call.id);
    } catch (error) {
      this.releaseLocal();
      this.onError(errorText(error));
    }
  }

  async decline(): Promise<void> {
    const view = this.view;
    if (view === null) return;
    await this.client.calls.decline(view.call.id).catch((error: unknown) => this.onError(errorText(error)));
  }

  /** Cancels, declines or hangs up, whatever the phase. */
  async hangup(): Promise<void> {
    const view = this.view;
    if (view === null || view.phase === 'ended') return this.dismiss();
    await this.client.calls.hangup(view.call.id).catch((error: unknown) => this.onError(errorText(error)));
  }

  dismiss(): void {
    if (this.view?.phase === 'ended' || this.view?.phase === 'elsewhere') this.store.update(() => ({ view: null }));
  }

  setMuted(muted: boolean): void {
    this.peer?.setMuted(muted);
    this.patch({ muted });
  }

  setCamera(on: boolean): void {
    this.peer?.setCamera(on);
    this.patch({ cameraOn: on });
  }

  /** Shares the screen in place of the camera (getDisplayMedia), or stops sharing. */
  async toggleScreen(): Promise<void> {
    const peer = this.peer;
    if (peer === null) return;
    if (this.screen !== null) {
      this.screen.stop();
      this.screen = null;
      await peer.replaceVideo(null);
      this.patch({ sharing: false });
      return;
    }
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const track = display.getVideoTracks()[0];
      if (track === undefined) return;
      this.screen = track;
      // The browser's own "Stop sharing" button.
      track.addEventListener('ended', () => {
        if (this.screen === track) void this.toggleScreen();
      });
      await peer.replaceVideo(track);
      this.patch({ sharing: true });
    } catch (error) {
      this.onError(errorText(error));
    }
  }

  private async media(media: CallMedia): Promise<MediaStream> {
    return navigator.mediaDevices.getUserMedia({ audio: true, video: media === 'video' });
  }

  private show(call: Call, phase: CallPhase): void {
    clearTimeout(this.clearTimer);
    this.store.update((s) => {
      const same = s.view?.call.id === call.id ? s.view : null;
      return {
        view: {
          local: this.local,
          remote: null,
          muted: false,
          cameraOn: call.media === 'video',
          sharing: false,
          remoteMedia: { audio: true, video: call.media === 'video', screen: false },
          connection: 'new',
          noRelay: false,
          ...same,
          call,
          phase,
        },
      };
    });
  }

  private patch(changes: Partial<CallView>): void {
    this.store.update((s) => (s.view === null ? s : { view: { ...s.view, ...changes } }));
  }

  private async connect(call: Call): Promise<void> {
    this.show(call, 'active');
    try {
      this.local ??= await this.media(call.media);
      const ice = await this.client.calls.iceServers();
      if (this.view?.call.id !== call.id || this.view.phase !== 'active') return;
      const pending = this.held.filter((h) => h.callId === call.id).map((h) => h.signal);
      this.held = [];
      const peer = new CallPeer({
        calls: this.client.calls,
        call,
        localStream: this.local,
        iceServers: ice.iceServers,
        iceTransportPolicy: ice.iceTransportPolicy,
        pending,
      });
      this.peer = peer;
      peer.on('remote.stream', (remote) => this.patch({ remote }));
      peer.on('remote.media', (remoteMedia) => this.patch({ remoteMedia }));
      peer.on('state', (connection) => this.patch({ connection }));
      peer.on('error', (error) => this.patch({ error: errorText(error) }));
      this.patch({ local: this.local, noRelay: !ice.relay });
      peer.start();
    } catch (error) {
      this.onError(errorText(error));
      await this.client.calls.hangup(call.id).catch(() => undefined);
    }
  }

  private onEnded(call: Call, reason: CallEndReason): void {
    const view = this.view;
    if (view !== null && view.call.id !== call.id && view.phase !== 'ended') return;
    this.teardown();
    const me = this.client.user?.id;
    this.show(call, 'ended');
    this.patch({ ended: { reason, byMe: call.endedBy === me }, local: null, remote: null });
    this.clearLater(call.id);
  }

  private clearLater(callId: string): void {
    clearTimeout(this.clearTimer);
    this.clearTimer = setTimeout(() => {
      if (this.view?.call.id === callId && this.view.phase !== 'active') this.store.update(() => ({ view: null }));
    }, NOTICE_MS);
  }

  private teardown(): void {
    this.peer?.close();
    this.peer = null;
    this.held = [];
    this.screen?.stop();
    this.screen = null;
    this.releaseLocal();
  }

  private releaseLocal(): void {
    for (const track of this.local?.getTracks() ?? []) track.stop();
    this.local = null;
  }
}
