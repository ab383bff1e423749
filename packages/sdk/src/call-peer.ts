/**
 * The media side of one answered 1:1 call in a browser: an RTCPeerConnection wired to
 * `client.calls` signalling. The caller makes the first offer; after that either side
 * may renegotiate (an ICE restart, a replaced track) with the "perfect negotiation"
 * pattern (the callee is the polite peer that yields on a collision). Signals are
 * handled one at a time in arrival order. A candidate must never reach the other side
 * before the description it belongs to (it would be refused there and the call would
 * have no path), so local candidates gathered while a description is being made wait
 * until it is sent, and remote ones that still come first wait for their description.
 * Mute and camera state travel as `media` signals for the other side's UI.
 * Browser-only (it needs RTCPeerConnection); an app may also do all this itself.
 *
 * @example
 * ```ts
 * const { iceServers } = await client.calls.iceServers();
 * const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
 * const peer = new CallPeer({ calls: client.calls, call, localStream: local, iceServers });
 * peer.on('remote.stream', (stream) => (video.srcObject = stream));
 * peer.start();
 * ```
 */
import type { Call, CallSignal, IceServer } from '@parley/protocol';
import type { CallsApi } from './calls-api';
import { Emitter, type Unsubscribe } from './emitter';

export interface CallPeerOptions {
  calls: CallsApi;
  /** The answered call this device is in. */
  call: Call;
  localStream: MediaStream;
  /** From `client.calls.iceServers()`. */
  iceServers: IceServer[];
  /** `relay` forces TURN (to test it, or to hide addresses). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Signals for this call that arrived before the peer existed, handled first, in order. */
  pending?: CallSignal[];
  /** Another implementation (tests, or a Node WebRTC library). */
  RTCPeerConnection?: typeof RTCPeerConnection;
}

export interface CallPeerEvents {
  /** The other side's media arrived (or gained a track). */
  'remote.stream': MediaStream;
  /** The other side's microphone, camera and screen state. */
  'remote.media': { audio: boolean; video: boolean; screen: boolean };
  /** The connection's state (`connected`, `disconnected`, `failed`...). */
  state: RTCPeerConnectionState;
  /** Something went wrong with a signal or the connection. */
  error: unknown;
}

type MediaSignal = Extract<CallSignal, { kind: 'media' }>;

export class CallPeer {
  readonly pc: RTCPeerConnection;
  private readonly emitter = new Emitter<CallPeerEvents>();
  private readonly polite: boolean;
  private readonly remote = new MediaStream();
  private makingOffer = false;
  private ignoreOffer = false;
  private queue: Promise<void> = Promise.resolve();
  private media: MediaSignal = { kind: 'media', audio: true, video: true, screen: false };
  private readonly stops: Unsubscribe[] = [];
  private closed = false;
  private started = false;
  /** The first offer and answer are done: from then on either side may renegotiate. */
  private negotiated = false;
  /** Local candidates held while a description is made (null: send them at once). */
  private heldLocal: CallSignalCandidate[] | null = null;
  /** Remote candidates that arrived before any remote description. */
  private earlyRemote: CallSignalCandidate[] = [];

  constructor(private readonly options: CallPeerOptions) {
    const Peer = options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    this.pc = new Peer({
      iceServers: options.iceServers.map((s) => ({ ...s })),
      ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
    });
    const me = options.calls.deviceId;
    this.polite = options.call.calleeDevice === me;
    this.media.video = options.localStream.getVideoTracks().length > 0;
    for (const track of options.localStream.getTracks()) this.pc.addTrack(track, options.localStream);
    this.pc.ontrack = (event) => {
      if (!this.remote.getTracks().includes(event.track)) this.remote.addTrack(event.track);
      this.emitter.emit('remote.stream', this.remote);
    };
    this.pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return;
      const json = candidate.toJSON() as CallSignalCandidate;
      if (this.heldLocal) this.heldLocal.push(json);
      else this.send({ kind: 'candidate', candidate: json });
    };
    this.pc.onconnectionstatechange = () => {
      this.emitter.emit('state', this.pc.connectionState);
      // A network change: try a new path without dropping the call.
      if (this.pc.connectionState === 'failed' && !this.polite) this.pc.restartIce();
    };
    this.pc.onnegotiationneeded = () => {
      // The caller makes the first offer (start); later changes from either side. Before the
      // first answer, the callee's own tracks also ask for a negotiation: an offer from it then
      // crosses the caller's, the (impolite) caller ignores it with its candidates, and if the
      // browser gathers no new ones for the answer the call has no path. The browser asks again
      // once the state is stable if it still needs to.
      if (this.started && this.negotiated) void this.offer();
    };
    for (const signal of options.pending ?? []) this.enqueue(signal);
    this.stops.push(
      options.calls.on('signal', ({ callId, signal }) => {
        if (callId === options.call.id) this.enqueue(signal);
      }),
    );
  }

  /** Listens to a peer event. */
  on<K extends keyof CallPeerEvents>(event: K, handler: (payload: CallPeerEvents[K]) => void): Unsubscribe {
    return this.emitter.on(event, handler);
  }

  /** Starts negotiating (the caller offers; the callee waits for the offer). */
  start(): void {
    this.started = true;
    if (!this.polite) void this.offer();
    this.send(this.media);
  }

  /** Mutes or unmutes the microphone; the other side is told. */
  setMuted(muted: boolean): void {
    for (const track of this.options.localStream.getAudioTracks()) track.enabled = !muted;
    this.media = { ...this.media, audio: !muted };
    this.send(this.media);
  }

  /** Turns the camera off or on; the other side is told. */
  setCamera(on: boolean): void {
    for (const track of this.options.localStream.getVideoTracks()) track.enabled = on;
    this.media = { ...this.media, video: on };
    this.send(this.media);
  }

  /**
   * Sends another video track instead of the camera (a screen share from
   * getDisplayMedia), or the camera again with `null`. No renegotiation needed.
   */
  async replaceVideo(track: MediaStreamTrack | null): Promise<void> {
    const sender = this.pc.getSenders().find((s) => s.track?.kind === 'video' || s.track === null);
    const camera = this.options.localStream.getVideoTracks()[0] ?? null;
    if (sender) await sender.replaceTrack(track ?? camera);
    this.media = { ...this.media, screen: track !== null };
    this.send(this.media);
  }

  /** Asks for a new ICE path (after a network change) without ending the call. */
  restartIce(): void {
    this.pc.restartIce();
  }

  /** Stops the local tracks and closes the connection (hang up with `client.calls.hangup`). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stops) stop();
    for (const track of this.options.localStream.getTracks()) track.stop();
    this.pc.close();
  }

  private enqueue(signal: CallSignal): void {
    this.queue = this.queue.then(() => this.onSignal(signal)).catch((error: unknown) => this.fail(error));
  }

  private async offer(): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.describe('offer');
    } catch (error) {
      this.fail(error);
    } finally {
      this.makingOffer = false;
    }
  }

  /**
   * Sets and sends this side's description; candidates gathered meanwhile (a browser
   * may report them before setLocalDescription's promise settles) follow it.
   */
  private async describe(kind: 'offer' | 'answer'): Promise<void> {
    this.heldLocal ??= [];
    try {
      await this.pc.setLocalDescription();
      const sdp = this.pc.localDescription?.sdp;
      if (sdp) this.send({ kind, sdp });
    } finally {
      const held = this.heldLocal;
      this.heldLocal = null;
      for (const candidate of held) this.send({ kind: 'candidate', candidate });
    }
  }

  private async onSignal(signal: CallSignal): Promise<void> {
    if (this.closed) return;
    switch (signal.kind) {
      case 'media':
        this.emitter.emit('remote.media', { audio: signal.audio, video: signal.video, screen: signal.screen ?? false });
        return;
      case 'candidate':
        if (this.pc.remoteDescription === null) {
          this.earlyRemote.push(signal.candidate);
          return;
        }
        await this.addCandidate(signal.candidate);
        return;
      case 'offer':
      case 'answer': {
        const collision = signal.kind === 'offer' && (this.makingOffer || this.pc.signalingState !== 'stable');
        this.ignoreOffer = !this.polite && collision;
        if (this.ignoreOffer) return;
        await this.pc.setRemoteDescription({ type: signal.kind, sdp: signal.sdp });
        const early = this.earlyRemote;
        this.earlyRemote = [];
        for (const candidate of early) await this.addCandidate(candidate);
        if (signal.kind === 'offer') await this.describe('answer');
        this.negotiated = true;
        return;
      }
    }
  }

  private async addCandidate(candidate: CallSignalCandidate): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // A candidate of an offer this (impolite) side ignored in a collision.
      if (!this.ignoreOffer) throw error;
    }
  }

  private send(signal: CallSignal): void {
    if (this.closed) return;
    this.options.calls.signal(this.options.call.id, signal).catch((error: unknown) => this.fail(error));
  }

  private fail(error: unknown): void {
    this.emitter.emit('error', error);
  }
}

type CallSignalCandidate = Extract<CallSignal, { kind: 'candidate' }>['candidate'];
