import type { GroupCallParticipant } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyError } from './errors';
import { GroupCall } from './group-call';
import type { GroupCallChange, GroupCallsApi } from './group-calls-api';

/** A peer connection that has gathered at once and records its descriptions. */
class FakePeerConnection {
  static made: FakePeerConnection[] = [];
  iceGatheringState = 'complete';
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  closed = false;
  constructor() {
    FakePeerConnection.made.push(this);
  }
  addTransceiver(): void {}
  getTransceivers(): unknown[] {
    return [];
  }
  addEventListener(): void {}
  removeEventListener(): void {}
  createOffer(): Promise<{ type: string; sdp: string }> {
    return Promise.resolve({ type: 'offer', sdp: 'publisher-offer' });
  }
  createAnswer(): Promise<{ type: string; sdp: string }> {
    return Promise.resolve({ type: 'answer', sdp: `answer-to-${this.remoteDescription?.sdp ?? ''}` });
  }
  setLocalDescription(description: { type: string; sdp: string }): Promise<void> {
    this.localDescription = description;
    return Promise.resolve();
  }
  setRemoteDescription(description: { type: string; sdp: string }): Promise<void> {
    this.remoteDescription = description;
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
  }
}

const me: GroupCallParticipant = {
  userId: 'u_me',
  sessionId: 's_me',
  feedId: 1,
  audio: true,
  video: true,
  screen: false,
};
const ann: GroupCallParticipant = {
  userId: 'u_ann',
  sessionId: 's_ann',
  feedId: 2,
  audio: true,
  video: true,
  screen: false,
};
const ben: GroupCallParticipant = {
  userId: 'u_ben',
  sessionId: 's_ben',
  feedId: 3,
  audio: true,
  video: true,
  screen: false,
};

/** A `client.groupCalls` stand-in: Ben's feed is not ready the first time; records what is sent. */
function fakeApi() {
  const sent: string[] = [];
  const handlers = new Map<string, (change: GroupCallChange) => void>();
  let benAsked = 0;
  const api = {
    join: (_c: string, sdp: string) => {
      sent.push(`join ${sdp}`);
      return Promise.resolve({ sdp: 'sfu-answer', feedId: 1, participants: [me, ann] });
    },
    subscribe: (_c: string, feedId: number) => {
      if (feedId === 3 && (benAsked += 1) === 1) {
        return Promise.reject(new ParleyError('group_call_feed_not_ready', 'not yet', { details: { feedId } }));
      }
      sent.push(`subscribe ${feedId}`);
      return Promise.resolve({ subscriptionId: `sub${feedId}`, sdp: `sfu-offer-${feedId}` });
    },
    answer: (_c: string, id: string, sdp: string) => {
      sent.push(`answer ${id} ${sdp}`);
      return Promise.resolve();
    },
    unsubscribe: () => Promise.resolve(),
    setMedia: () => Promise.resolve(),
    leave: () => {
      sent.push('leave');
      return Promise.resolve();
    },
    on: (event: string, handler: (change: GroupCallChange) => void) => {
      handlers.set(event, handler);
      return () => handlers.delete(event);
    },
  } as unknown as GroupCallsApi;
  const emit = (event: 'joined' | 'left', participant: GroupCallParticipant, participants: GroupCallParticipant[]) =>
    handlers.get(event)?.({ conversationId: 'c1', participant, participants });
  return { api, sent, emit };
}

describe('GroupCall', () => {
  const realMediaStream = globalThis.MediaStream;
  beforeAll(() => {
    globalThis.MediaStream = class {
      getTracks = () => [];
      getVideoTracks = () => [];
      getAudioTracks = () => [];
      addTrack(): void {}
    } as unknown as typeof MediaStream;
  });
  afterAll(() => {
    globalThis.MediaStream = realMediaStream;
  });

  it('publishes, subscribes to every other feed (asking again while one is not ready), and drops a feed that left', async () => {
    FakePeerConnection.made = [];
    const { api, sent, emit } = fakeApi();
    const call = await GroupCall.join({
      api,
      conversationId: 'c1',
      localStream: new MediaStream(),
      iceServers: [],
      RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection,
    });
    expect(call.feedId).toBe(1);
    expect(sent[0]).toBe('join publisher-offer');
    expect(FakePeerConnection.made[0]!.remoteDescription).toEqual({ type: 'answer', sdp: 'sfu-answer' });
    // Ann was in the call: her feed is subscribed and answered, never this device's own.
    await expect.poll(() => call.remoteFeeds.map((f) => f.participant.userId)).toEqual(['u_ann']);
    expect(sent).toContain('answer sub2 answer-to-sfu-offer-2');
    expect(sent).not.toContain('subscribe 1');

    // Ben joins; his media is not up at first: the subscription is asked again, then made.
    emit('joined', ben, [me, ann, ben]);
    await expect
      .poll(() => call.remoteFeeds.map((f) => f.participant.userId).sort(), { timeout: 3000 })
      .toEqual(['u_ann', 'u_ben']);
    expect(sent.filter((s) => s === 'subscribe 3')).toHaveLength(1);

    // Ann leaves: her connection closes and her feed goes.
    const removed: string[] = [];
    call.on('feed.removed', ({ participant }) => removed.push(participant.userId));
    const annPc = call.remoteFeeds.find((f) => f.participant.userId === 'u_ann')!.pc as unknown as FakePeerConnection;
    emit('left', ann, [me, ben]);
    expect(removed).toEqual(['u_ann']);
    expect(annPc.closed).toBe(true);
    expect(call.remoteFeeds.map((f) => f.participant.userId)).toEqual(['u_ben']);

    await call.leave();
    expect(sent[sent.length - 1]).toBe('leave');
    expect(FakePeerConnection.made.every((pc) => pc.closed)).toBe(true);
  });
});
