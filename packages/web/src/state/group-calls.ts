/**
 * GroupCallController: the web app's group calls, on the SDK's `client.groupCalls` and
 * `GroupCall`. It keeps, per conversation looked at, whether a call can be joined there
 * (and why not) and who is in it (the "call in progress" line), following the server's
 * events; and, for the call this device is in, the tiles (one stream per participant),
 * the participant list and this device's microphone, camera and screen state. ICE
 * servers come from the server. Owned by ChatController as `controller.groupCalls`.
 */
import type { GroupCallParticipant, GroupCallUnavailableReason } from '@parley/protocol';
import { GroupCall, type GroupCallChange, type ParleyClient } from '@parley/sdk';
import { errorText } from '../lib/error-text';
import { Store } from './store';

/** What a conversation's header shows about its group call. */
export interface GroupCallSummary {
  available: boolean;
  reason?: GroupCallUnavailableReason;
  participants: GroupCallParticipant[];
}

export interface GroupCallView {
  conversationId: string;
  local: MediaStream;
  /** Everyone in the call, this device included. */
  participants: GroupCallParticipant[];
  /** Received streams by feed id. */
  streams: Record<number, MediaStream>;
  feedId: number;
  muted: boolean;
  cameraOn: boolean;
  sharing: boolean;
}

export interface GroupCallUiState {
  byConversation: Record<string, GroupCallSummary>;
  view: GroupCallView | null;
  joining: boolean;
}

/** Why the join button is disabled, in words. */
export function unavailableText(reason: GroupCallUnavailableReason | undefined): string {
  switch (reason) {
    case 'not_configured':
      return 'Group calls are not set up on this server (no media server is configured).';
    case 'unreachable':
      return 'The media server for group calls is not answering right now.';
    case 'direct':
      return 'Use a voice or video call in a direct conversation.';
    case undefined:
      return '';
  }
}

export class GroupCallController {
  readonly store = new Store<GroupCallUiState>({ byConversation: {}, view: null, joining: false });
  private call: GroupCall | null = null;
  private screen: MediaStreamTrack | null = null;
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly client: ParleyClient,
    private readonly onError: (text: string) => void,
  ) {}

  get view(): GroupCallView | null {
    return this.store.get().view;
  }

  start(): void {
    const api = this.client.groupCalls;
    const follow = (change: GroupCallChange) => this.setParticipants(change.conversationId, change.participants);
    this.offs.push(api.on('joined', follow), api.on('left', follow), api.on('media', follow));
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    void this.leave();
  }

  /** Asks the server about a conversation's call (when it is opened). */
  async refresh(conversationId: string): Promise<void> {
    try {
      const state = await this.client.groupCalls.get(conversationId);
      this.store.update((s) => ({
        ...s,
        byConversation: {
          ...s.byConversation,
          [conversationId]: {
            available: state.available,
            ...(state.reason === undefined ? {} : { reason: state.reason }),
            participants: state.participants,
          },
        },
      }));
    } catch (error) {
      this.onError(errorText(error));
    }
  }

  /** Joins (or starts) the conversation's call with the microphone and camera. */
  async join(conversationId: string): Promise<void> {
    if (this.call !== null || this.store.get().joining) return;
    this.store.update((s) => ({ ...s, joining: true }));
    let local: MediaStream | null = null;
    try {
      local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const ice = await this.client.calls.iceServers();
      const call = await GroupCall.join({
        api: this.client.groupCalls,
        conversationId,
        localStream: local,
        iceServers: ice.iceServers,
        iceTransportPolicy: ice.iceTransportPolicy,
      });
      this.call = call;
      call.on('participants', (participants) => {
        this.patch({ participants });
        this.setParticipants(conversationId, participants);
      });
      call.on('feed', ({ participant, stream }) => {
        const view = this.view;
        if (view === null || view.streams[participant.feedId] === stream) return;
        this.patch({ streams: { ...view.streams, [participant.feedId]: stream } });
      });
      call.on('feed.removed', ({ participant }) => {
        const view = this.view;
        if (view === null) return;
        const { [participant.feedId]: _gone, ...streams } = view.streams;
        this.patch({ streams });
      });
      call.on('error', (error) => this.onError(errorText(error)));
      const streams: Record<number, MediaStream> = {};
      for (const feed of call.remoteFeeds) streams[feed.participant.feedId] = feed.stream;
      this.store.update((s) => ({
        ...s,
        joining: false,
        view: {
          conversationId,
          local: local ?? new MediaStream(),
          participants: call.participants,
          streams,
          feedId: call.feedId,
          muted: false,
          cameraOn: true,
          sharing: false,
        },
      }));
    } catch (error) {
      for (const track of local?.getTracks() ?? []) track.stop();
      this.store.update((s) => ({ ...s, joining: false }));
      this.onError(errorText(error));
    }
  }

  async leave(): Promise<void> {
    const call = this.call;
    const view = this.view;
    this.call = null;
    this.screen?.stop();
    this.screen = null;
    for (const track of view?.local.getTracks() ?? []) track.stop();
    this.store.update((s) => ({ ...s, view: null }));
    if (call === null) return;
    await call.leave().catch((error: unknown) => this.onError(errorText(error)));
  }

  async setMuted(muted: boolean): Promise<void> {
    this.patch({ muted });
    await this.call?.setAudio(!muted).catch((error: unknown) => this.onError(errorText(error)));
  }

  async setCamera(on: boolean): Promise<void> {
    this.patch({ cameraOn: on });
    await this.call?.setVideo(on).catch((error: unknown) => this.onError(errorText(error)));
  }

  /** Shares the screen in place of the camera (getDisplayMedia), or stops sharing. */
  async toggleScreen(): Promise<void> {
    const call = this.call;
    if (call === null) return;
    try {
      if (this.screen !== null) {
        this.screen = null;
        this.patch({ sharing: false });
        await call.stopScreen();
        return;
      }
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const track = display.getVideoTracks()[0];
      if (track === undefined) return;
      this.screen = track;
      track.addEventListener('ended', () => {
        if (this.screen === track) {
          this.screen = null;
          this.patch({ sharing: false });
        }
      });
      this.patch({ sharing: true });
      await call.shareScreen(track);
    } catch (error) {
      this.onError(errorText(error));
    }
  }

  private setParticipants(conversationId: string, participants: GroupCallParticipant[]): void {
    this.store.update((s) => {
      const before = s.byConversation[conversationId] ?? { available: true, participants: [] };
      return { ...s, byConversation: { ...s.byConversation, [conversationId]: { ...before, participants } } };
    });
  }

  private patch(changes: Partial<GroupCallView>): void {
    this.store.update((s) => (s.view === null ? s : { ...s, view: { ...s.view, ...changes } }));
  }
}
