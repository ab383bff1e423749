/**
 * The media side of one device in a group call, in a browser: one RTCPeerConnection
 * that publishes this device's microphone and camera to the SFU, and one per other
 * participant's feed to receive it, all signalled through `client.groupCalls` (the
 * server relays to the SFU). Descriptions are sent once their ICE candidates are
 * gathered (no trickle), so each exchange is one request. The participant list
 * follows the server's `group_call.updated` events: a new feed is subscribed, a feed
 * that left is closed. Screen sharing replaces the camera track on the same sender
 * (no renegotiation), and the media state travels to everyone as `group_call.media`.
 *
 * @example
 * ```ts
 * const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
 * const call = await GroupCall.join({ api: client.groupCalls, conversationId, localStream: local, iceServers });
 * call.on('feed', ({ participant, stream }) => showTile(participant.userId, stream));
 * call.on('feed.removed', ({ participant }) => removeTile(participant.userId));
 * await call.setAudio(false);
 * await call.leave();
 * ```
 */
import type { GroupCallMedia, GroupCallParticipant, IceServer } from '@parley/protocol';
import { Emitter, type Unsubscribe } from './emitter';
import { ParleyError } from './errors';
import type { GroupCallChange, GroupCallsApi } from './group-calls-api';

export interface GroupCallOptions {
  api: GroupCallsApi;
  conversationId: string;
  localStream: MediaStream;
  /** From `client.calls.iceServers()` (TURN credentials Parley minted for this user). */
  iceServers: IceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** How long ICE gathering may take before a description is sent with what it has. */
  gatherTimeoutMs?: number;
  RTCPeerConnection?: typeof RTCPeerConnection;
}

/** Another participant's feed as this device receives it. */
export interface RemoteFeed {
  participant: GroupCallParticipant;
  stream: MediaStream;
  pc: RTCPeerConnection;
}

export interface GroupCallMediaEvents {
  /** Everyone in the call, after any change (this device included). */
  participants: GroupCallParticipant[];
  /** A participant's media arrived (or gained a track). */
  feed: RemoteFeed;
  /** A participant left: drop their tile. */
  'feed.removed': { participant: GroupCallParticipant };
  /** Something went wrong with a subscription or the connection. */
  error: unknown;
}

const DEFAULT_GATHER_MS = 5000;
/** A feed still connecting to the SFU is asked for again this often, this many times (10 s in all). */
const NOT_READY_RETRY_MS = 250;
const NOT_READY_ATTEMPTS = 40;

/** Resolves when the connection has gathered its candidates (or after `timeoutMs`, with what it has). */
function gathered(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check(): void {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', check);
  });
}

export class GroupCall {
  private readonly emitter = new Emitter<GroupCallMediaEvents>();
  private readonly feeds = new Map<number, RemoteFeed & { subscriptionId: string }>();
  /** Feeds being subscribed right now (an event may name them again meanwhile). */
  private readonly pending = new Set<number>();
  private readonly stops: Unsubscribe[] = [];
  private media: GroupCallMedia;
  private cameraTrack: MediaStreamTrack | null;
  private screenTrack: MediaStreamTrack | null = null;
  private left = false;
  participants: GroupCallParticipant[] = [];
  feedId = 0;

  private constructor(
    private readonly options: GroupCallOptions,
    readonly publisher: RTCPeerConnection,
  ) {
    const video = options.localStream.getVideoTracks()[0];
    const audio = options.localStream.getAudioTracks()[0];
    this.cameraTrack = video ?? null;
    this.media = { audio: audio?.enabled ?? false, video: video?.enabled ?? false, screen: false };
  }

  /** Publishes `localStream` in the conversation's call (joining, or starting it). */
  static async join(options: GroupCallOptions): Promise<GroupCall> {
    const Peer = options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    const pc = new Peer(GroupCall.config(options));
    const call = new GroupCall(options, pc);
    for (const track of options.localStream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
    // Screen sharing sends on the video sender: keep one even for a call that starts audio-only.
    if (options.localStream.getVideoTracks().length === 0) pc.addTransceiver('video', { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, options.gatherTimeoutMs ?? DEFAULT_GATHER_MS);
    const offer = pc.localDescription?.sdp ?? '';
    try {
      // Listen before joining: a participant joining right after us must not be missed.
      call.listen();
      const joined = await options.api.join(options.conversationId, offer, call.media);
      call.feedId = joined.feedId;
      await pc.setRemoteDescription({ type: 'answer', sdp: joined.sdp });
      call.update(joined.participants);
    } catch (error) {
      call.close();
      throw error;
    }
    return call;
  }

  private static config(options: GroupCallOptions): RTCConfiguration {
    return {
      iceServers: options.iceServers.map((s) => ({ ...s })),
      ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
    };
  }

  on<K extends keyof GroupCallMediaEvents>(event: K, handler: (payload: GroupCallMediaEvents[K]) => void): Unsubscribe {
    return this.emitter.on(event, handler);
  }

  /** The feeds received now, one per other participant. */
  get remoteFeeds(): RemoteFeed[] {
    return [...this.feeds.values()];
  }

  get localMedia(): GroupCallMedia {
    return { ...this.media };
  }

  /** Mutes or unmutes the microphone, and tells the others. */
  async setAudio(on: boolean): Promise<void> {
    for (const track of this.options.localStream.getAudioTracks()) track.enabled = on;
    await this.announce({ ...this.media, audio: on });
  }

  /** Turns the camera on or off, and tells the others. */
  async setVideo(on: boolean): Promise<void> {
    if (this.cameraTrack) this.cameraTrack.enabled = on;
    await this.announce({ ...this.media, video: on });
  }

  /** Sends `track` (from getDisplayMedia) in place of the camera until {@link stopScreen}. */
  async shareScreen(track: MediaStreamTrack): Promise<void> {
    this.screenTrack = track;
    track.addEventListener('ended', () => void this.stopScreen().catch((e: unknown) => this.emitter.emit('error', e)));
    await this.videoSender()?.replaceTrack(track);
    await this.announce({ ...this.media, screen: true });
  }

  async stopScreen(): Promise<void> {
    if (!this.screenTrack) return;
    this.screenTrack.stop();
    this.screenTrack = null;
    await this.videoSender()?.replaceTrack(this.cameraTrack);
    await this.announce({ ...this.media, screen: false });
  }

  /** Leaves the call (the others see this device go) and closes every connection. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.close();
    await this.options.api.leave(this.options.conversationId);
  }

  private close(): void {
    this.left = true;
    this.stops.forEach((stop) => stop());
    this.screenTrack?.stop();
    for (const feed of this.feeds.values()) feed.pc.close();
    this.feeds.clear();
    this.publisher.close();
  }

  private videoSender(): RTCRtpSender | undefined {
    return this.publisher.getTransceivers().find((t) => t.receiver.track.kind === 'video')?.sender;
  }

  private async announce(media: GroupCallMedia): Promise<void> {
    this.media = media;
    await this.options.api.setMedia(this.options.conversationId, media);
  }

  private listen(): void {
    const mine = (change: GroupCallChange) => change.conversationId === this.options.conversationId;
    const apply = (change: GroupCallChange) => {
      if (mine(change) && !this.left) this.update(change.participants);
    };
    this.stops.push(
      this.options.api.on('joined', apply),
      this.options.api.on('left', apply),
      this.options.api.on('media', apply),
    );
  }

  /** Follows the participant list: subscribes to new feeds, closes feeds that left. */
  private update(participants: GroupCallParticipant[]): void {
    this.participants = participants;
    this.emitter.emit('participants', participants);
    const present = new Set(participants.map((p) => p.feedId));
    for (const [feedId, feed] of this.feeds) {
      if (present.has(feedId)) continue;
      feed.pc.close();
      this.feeds.delete(feedId);
      this.emitter.emit('feed.removed', { participant: feed.participant });
    }
    for (const participant of participants) {
      const feed = this.feeds.get(participant.feedId);
      if (feed) feed.participant = participant;
      else if (participant.feedId !== this.feedId && this.feedId !== 0 && !this.pending.has(participant.feedId)) {
        this.pending.add(participant.feedId);
        this.subscribe(participant)
          .catch((error: unknown) => this.emitter.emit('error', error))
          .finally(() => this.pending.delete(participant.feedId));
      }
    }
  }

  private async subscribe(participant: GroupCallParticipant): Promise<void> {
    const { api, conversationId } = this.options;
    let offer: { subscriptionId: string; sdp: string } | undefined;
    for (let attempt = 1; offer === undefined; attempt += 1) {
      try {
        offer = await api.subscribe(conversationId, participant.feedId);
      } catch (error) {
        const notReady = error instanceof ParleyError && error.code === 'group_call_feed_not_ready';
        if (!notReady || attempt >= NOT_READY_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, NOT_READY_RETRY_MS));
        if (this.left || !this.participants.some((p) => p.feedId === participant.feedId)) return;
      }
    }
    const { subscriptionId, sdp } = offer;
    const Peer = this.options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    const pc = new Peer(GroupCall.config(this.options));
    const stream = new MediaStream();
    const feed = { participant, stream, pc, subscriptionId };
    pc.addEventListener('track', (event) => {
      stream.addTrack(event.track);
      this.emitter.emit('feed', feed);
    });
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc, this.options.gatherTimeoutMs ?? DEFAULT_GATHER_MS);
    if (this.left || !this.participants.some((p) => p.feedId === participant.feedId)) {
      // Left (or they did) while this was being made.
      pc.close();
      if (!this.left) await api.unsubscribe(conversationId, subscriptionId);
      return;
    }
    await api.answer(conversationId, subscriptionId, pc.localDescription?.sdp ?? '');
    this.feeds.set(participant.feedId, feed);
    this.emitter.emit('feed', feed);
  }
}
