/**
 * Group call signalling (issue 14, ADR 0029) over real sockets with SDK clients and a
 * real Janus started by the test: the server relays each device's offer to Janus'
 * VideoRoom and returns Janus' answer; a feed whose media is not up yet is refused as
 * not ready (the e2e test subscribes with real media); joins, media changes and leaves reach every member's devices;
 * only members may join and only devices in the call may subscribe; the room is
 * created by the first join and destroyed when the last one leaves; the limit holds;
 * a device that disconnects leaves. Without Janus the server says why, and 1:1 calls
 * are untouched. The session descriptions are real SDP (what a browser sends, with a
 * DTLS fingerprint and ICE credentials); no media flows here (the e2e test does that).
 */
import { randomBytes } from 'node:crypto';
import { createNodeClient, ParleyError, type GroupCallChange, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomOf } from '../src/services/group-calls';
import { JanusClient } from '../src/sfu/janus-client';
import { startTestServer, type TestServer } from './harness';
import { requireJanus, startJanus, type JanusProcess } from './janus';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

async function refusal(promise: Promise<unknown>): Promise<{ code: string; details: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ParleyError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a refusal');
}

function fingerprint(): string {
  return [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** A browser-like offer that publishes Opus audio and VP8 video (sendonly, bundled, rtcp-mux). */
function publisherOffer(): string {
  const ice = [`a=ice-ufrag:${randomBytes(4).toString('hex')}`, `a=ice-pwd:${randomBytes(12).toString('hex')}`];
  const common = [...ice, 'a=ice-options:trickle', `a=fingerprint:sha-256 ${fingerprint()}`, 'a=setup:actpass'];
  return [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=msid-semantic: WMS s',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    ...common,
    'a=mid:0',
    'a=sendonly',
    'a=msid:s a',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=ssrc:1001 cname:parley',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    ...common,
    'a=mid:1',
    'a=sendonly',
    'a=msid:s v',
    'a=rtcp-mux',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 nack',
    'a=rtcp-fb:96 nack pli',
    'a=ssrc:2002 cname:parley',
    '',
  ].join('\r\n');
}

const clients: ParleyClient[] = [];
let counter = 0;

async function person(server: TestServer, name: string): Promise<ParleyClient> {
  const client = createNodeClient({ baseUrl: server.url });
  await client.register({
    username: `${name}${++counter}${Math.random().toString(36).slice(2, 6)}`,
    password: 'group calls test',
  });
  await client.connect();
  clients.push(client);
  return client;
}

/** Resolves with the next `event` of a client's group calls that `match` accepts. */
function next(
  client: ParleyClient,
  event: 'joined' | 'left' | 'media',
  match: (c: GroupCallChange) => boolean = () => true,
): Promise<GroupCallChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} event`)), 10_000);
    const off = client.groupCalls.on(event, (change) => {
      if (!match(change)) return;
      clearTimeout(timer);
      off();
      resolve(change);
    });
  });
}

afterAll(() => clients.forEach((c) => c.close()));

describe('group calls without Janus', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ authAttemptsPerMinute: 1000, framesPerSecond: 1000 });
  });
  afterAll(() => t.stop());

  it('says why they are unavailable and refuses to join, while 1:1 calls work', async () => {
    const alice = await person(t, 'alice');
    const bob = await person(t, 'bob');
    const group = await alice.conversations.createGroup('no sfu', [bob.user!.id]);
    const state = await alice.groupCalls.get(group.id);
    expect(state).toMatchObject({ available: false, reason: 'not_configured', participants: [] });
    const refused = await refusal(
      alice.groupCalls.join(group.id, publisherOffer(), { audio: true, video: true, screen: false }),
    );
    expect(refused).toEqual({ code: 'group_call_unavailable', details: { reason: 'not_configured' } });
    const direct = await alice.conversations.createDirect(bob.user!.id);
    const call = await alice.calls.start(direct.id, 'audio');
    expect(call.state).toBe('ringing');
    await alice.calls.hangup(call.id);
  });
});

describe.skipIf(!requireJanus())('group calls through a real Janus', () => {
  let janus: JanusProcess;
  let t: TestServer;
  let probe: JanusClient;

  /** Whether Janus has the room (asked directly, as an operator would). */
  async function roomExists(room: number): Promise<boolean> {
    const handle = await probe.attach('janus.plugin.videoroom');
    const answer = await probe.message(handle, { request: 'exists', room }, false);
    await probe.detach(handle);
    return answer.plugindata?.data.exists === true;
  }

  beforeAll(async () => {
    janus = await startJanus();
    t = await startTestServer({
      authAttemptsPerMinute: 1000,
      framesPerSecond: 1000,
      janusUrl: janus.url,
      groupCallMaxParticipants: 2,
    });
    probe = new JanusClient({ url: janus.url, apiSecret: null, timeoutMs: 5000, keepaliveMs: 20_000 }, silent);
  });
  afterAll(async () => {
    await probe.stop();
    await t.stop();
    await janus.stop();
  });

  it('relays offers and answers to Janus, announces joins, media and leaves, and ends the room with the last one', async () => {
    const alice = await person(t, 'alice');
    const bob = await person(t, 'bob');
    const group = await alice.conversations.createGroup('huddle', [bob.user!.id]);
    const room = roomOf(group.id);
    expect(await alice.groupCalls.get(group.id)).toMatchObject({
      available: true,
      participants: [],
      maxParticipants: 2,
    });
    expect(await roomExists(room)).toBe(false);

    const bobSeesAlice = next(bob, 'joined');
    const joined = await alice.groupCalls.join(group.id, publisherOffer(), { audio: true, video: true, screen: false });
    // Janus' answer: its own DTLS role and ICE credentials, both media sections.
    expect(joined.sdp).toMatch(/^v=0/);
    expect(joined.sdp).toMatch(/a=setup:(active|passive)/);
    expect(joined.sdp).toMatch(/m=audio [\s\S]*m=video /);
    expect(joined.participants).toEqual([
      {
        userId: alice.user!.id,
        sessionId: alice.groupCalls.deviceId,
        feedId: joined.feedId,
        audio: true,
        video: true,
        screen: false,
      },
    ]);
    expect(await roomExists(room)).toBe(true);
    expect((await bobSeesAlice).participant.feedId).toBe(joined.feedId);

    const bobJoined = await bob.groupCalls.join(group.id, publisherOffer(), {
      audio: true,
      video: false,
      screen: false,
    });
    expect(bobJoined.participants.map((p) => p.userId).sort()).toEqual([alice.user!.id, bob.user!.id].sort());

    // Alice's feed is in the room but her media never reached Janus (no ICE here): a subscription
    // is refused as not ready yet (retryable), and an unknown feed as not found. The relay of
    // Janus' offer and the device's answer is proven with real media by the e2e test.
    const notReady = await refusal(bob.groupCalls.subscribe(group.id, joined.feedId));
    expect(notReady).toEqual({ code: 'group_call_feed_not_ready', details: { feedId: joined.feedId } });
    expect((await refusal(bob.groupCalls.subscribe(group.id, 12345))).code).toBe('not_found');
    expect((await refusal(bob.groupCalls.answer(group.id, '42', publisherOffer()))).code).toBe('not_in_group_call');

    const bobSeesMute = next(bob, 'media');
    await alice.groupCalls.setMedia(group.id, { audio: false, video: true, screen: true });
    const mute = await bobSeesMute;
    expect(mute.participant).toMatchObject({ userId: alice.user!.id, audio: false, screen: true });
    // Another node (or a late device) reads the same state from the room.
    const seen = (await bob.groupCalls.get(group.id)).participants.find((p) => p.userId === alice.user!.id);
    expect(seen).toMatchObject({ audio: false, video: true, screen: true });

    const bobSeesLeave = next(bob, 'left');
    await alice.groupCalls.leave(group.id);
    const left = await bobSeesLeave;
    expect(left.participant.userId).toBe(alice.user!.id);
    expect(left.participants.map((p) => p.userId)).toEqual([bob.user!.id]);
    expect(await roomExists(room)).toBe(true);

    const aliceSeesEnd = next(alice, 'left');
    await bob.groupCalls.leave(group.id);
    expect((await aliceSeesEnd).participants).toEqual([]);
    expect(await roomExists(room)).toBe(false);
    expect((await refusal(bob.groupCalls.leave(group.id))).code).toBe('not_in_group_call');
  });

  it('lets only members join, holds the limit, and lets a device that drops leave', async () => {
    const alice = await person(t, 'alice');
    const bob = await person(t, 'bob');
    const carol = await person(t, 'carol');
    const mallory = await person(t, 'mallory');
    const group = await alice.conversations.createGroup('members only', [bob.user!.id, carol.user!.id]);
    const media = { audio: true, video: true, screen: false };

    expect((await refusal(mallory.groupCalls.join(group.id, publisherOffer(), media))).code).toBe('not_member');
    expect((await refusal(mallory.groupCalls.get(group.id))).code).toBe('not_member');
    const { feedId } = await alice.groupCalls.join(group.id, publisherOffer(), media);
    // Not in the call: no subscription, no media state.
    expect((await refusal(mallory.groupCalls.subscribe(group.id, feedId))).code).toBe('not_in_group_call');
    expect((await refusal(carol.groupCalls.setMedia(group.id, media))).code).toBe('not_in_group_call');

    await bob.groupCalls.join(group.id, publisherOffer(), media);
    expect(await refusal(carol.groupCalls.join(group.id, publisherOffer(), media))).toEqual({
      code: 'group_call_full',
      details: { maxParticipants: 2 },
    });

    const direct = await alice.conversations.createDirect(bob.user!.id);
    expect(await alice.groupCalls.get(direct.id)).toMatchObject({ available: false, reason: 'direct' });

    // Bob's connection drops: the server takes his feed out of the room and tells the others.
    const aliceSeesBobGo = next(alice, 'left', (c) => c.participant.userId === bob.user!.id);
    bob.close();
    expect((await aliceSeesBobGo).participants.map((p) => p.userId)).toEqual([alice.user!.id]);
    // Carol fits now.
    await carol.groupCalls.join(group.id, publisherOffer(), media);
    await carol.groupCalls.leave(group.id);
    await alice.groupCalls.leave(group.id);
    expect(await roomExists(roomOf(group.id))).toBe(false);
  });
});
