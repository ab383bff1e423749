/**
 * 1:1 call signalling (issue 14) over real sockets with SDK clients: ringing every
 * device of the callee, "calling..." on the caller's other devices, the first device
 * to accept wins and the others hear "answered elsewhere", signals reach only the
 * other device in the call, decline, cancel, busy, no answer (a short ring window),
 * who may call (members of the direct conversation, no blocks), the call record
 * message as it changes, and TURN REST credentials.
 */
import { createHmac } from 'node:crypto';
import { createNodeClient, ParleyError, type Call, type CallEvents, type ParleyClient } from '@parley/sdk/node';
import type { CallContent, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness';

const TURN_SECRET = 'turn-secret-for-the-calls-test';
let t: TestServer;
const clients: ParleyClient[] = [];
let counter = 0;

beforeAll(async () => {
  t = await startTestServer({
    authAttemptsPerMinute: 1000,
    framesPerSecond: 1000,
    callRingSeconds: 1,
    callReconnectSeconds: 1,
    callSweepMs: 100,
    turnUrls: 'turn:127.0.0.1:3478?transport=udp',
    turnSecret: TURN_SECRET,
    turnTtlSeconds: 600,
    stunUrls: 'stun:127.0.0.1:3478',
  });
});
afterAll(async () => {
  clients.forEach((c) => c.close());
  await t.stop();
});

/** A person with `devices` connected SDK clients (the same account logged in on each). */
async function person(name: string, devices = 1): Promise<ParleyClient[]> {
  const username = `${name}${++counter}${Math.random().toString(36).slice(2, 6)}`;
  const password = 'calls test password';
  const list: ParleyClient[] = [];
  for (let i = 0; i < devices; i += 1) {
    const client = createNodeClient({ baseUrl: t.url });
    if (i === 0) await client.register({ username, password });
    else await client.login({ username, password });
    await client.connect();
    clients.push(client);
    list.push(client);
  }
  return list;
}

/** Records every call event of a client, and waits for one. */
function recorder(client: ParleyClient) {
  const seen: { event: keyof CallEvents; payload: unknown }[] = [];
  const names: (keyof CallEvents)[] = ['incoming', 'outgoing', 'accepted', 'answered.elsewhere', 'ended', 'signal'];
  for (const name of names) client.calls.on(name, (payload) => seen.push({ event: name, payload }));
  return {
    seen,
    of: (event: keyof CallEvents) => seen.filter((s) => s.event === event).map((s) => s.payload),
    async wait<K extends keyof CallEvents>(event: K, match: (p: CallEvents[K]) => boolean = () => true) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const found = seen.find((s) => s.event === event && match(s.payload as CallEvents[K]));
        if (found) return found.payload as CallEvents[K];
        if (Date.now() > deadline) throw new Error(`no ${event} event`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ParleyError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** The call record message as history shows it now. */
async function record(
  client: ParleyClient,
  conversationId: string,
  call: Call,
): Promise<Message & { content: CallContent }> {
  const page = await client.messages.history(conversationId, { limit: 100 });
  const message = page.messages.find((m) => m.id === call.messageId);
  if (!message || message.content.type !== 'call') throw new Error('no call record');
  return message as Message & { content: CallContent };
}

describe('1:1 calls', () => {
  it('rings every device of the callee; the first to accept wins; signals reach only the other device', async () => {
    const [alice1, alice2] = (await person('alice', 2)) as [ParleyClient, ParleyClient];
    const [bob1, bob2] = (await person('bob', 2)) as [ParleyClient, ParleyClient];
    const direct = await alice1.conversations.createDirect(bob1.user!.id);
    const [a1, a2, b1, b2] = [alice1, alice2, bob1, bob2].map(recorder) as [
      ReturnType<typeof recorder>,
      ReturnType<typeof recorder>,
      ReturnType<typeof recorder>,
      ReturnType<typeof recorder>,
    ];

    const call = await alice1.calls.start(direct.id, 'video');
    expect(call).toMatchObject({
      state: 'ringing',
      callerId: alice1.user!.id,
      calleeId: bob1.user!.id,
      media: 'video',
    });
    await b1.wait('incoming', (p) => p.call.id === call.id);
    await b2.wait('incoming', (p) => p.call.id === call.id);
    // The caller's other device shows "calling...", not a ring.
    expect(await a2.wait('outgoing', (p) => p.call.id === call.id)).toMatchObject({ here: false });
    expect(a1.of('outgoing')).toMatchObject([{ here: true }]);
    expect(a2.of('incoming')).toEqual([]);
    expect((await record(bob1, direct.id, call)).content).toMatchObject({ status: 'ringing', media: 'video' });

    const accepted = await bob2.calls.accept(call.id);
    expect(accepted).toMatchObject({ state: 'active', calleeDevice: bob2.calls.deviceId });
    expect(await b1.wait('answered.elsewhere', (p) => p.call.id === call.id)).toBeTruthy();
    expect(await a1.wait('accepted', (p) => p.call.id === call.id)).toMatchObject({ here: true });
    expect(await a2.wait('accepted', (p) => p.call.id === call.id)).toMatchObject({ here: false });
    expect(b2.of('answered.elsewhere')).toEqual([]);
    // Too late on the other device: the call is answered.
    expect(await refusal(bob1.calls.accept(call.id))).toBe('call_not_ringing');
    expect((await record(alice1, direct.id, call)).content.status).toBe('ongoing');

    // Signals go between the two devices in the call, nowhere else.
    await alice1.calls.signal(call.id, { kind: 'offer', sdp: 'v=0 offer' });
    expect(await b2.wait('signal')).toMatchObject({ callId: call.id, signal: { kind: 'offer', sdp: 'v=0 offer' } });
    await bob2.calls.signal(call.id, { kind: 'answer', sdp: 'v=0 answer' });
    await bob2.calls.signal(call.id, { kind: 'media', audio: false, video: true });
    expect(await a1.wait('signal', (p) => p.signal.kind === 'media')).toMatchObject({
      fromUserId: bob1.user!.id,
      signal: { kind: 'media', audio: false, video: true },
    });
    // An ICE restart is another offer, relayed the same way (either side may renegotiate).
    await bob2.calls.signal(call.id, { kind: 'offer', sdp: 'v=0 ice restart' });
    await a1.wait('signal', (p) => p.signal.kind === 'offer');
    expect(a1.of('signal')).toHaveLength(3);
    expect(b1.of('signal')).toEqual([]);
    expect(a2.of('signal')).toEqual([]);
    // A device that is not in the call may not signal, even the callee's own.
    expect(await refusal(bob1.calls.signal(call.id, { kind: 'offer', sdp: 'x' }))).toBe('forbidden');

    await new Promise((r) => setTimeout(r, 50));
    const ended = await alice1.calls.hangup(call.id);
    expect(ended).toMatchObject({ state: 'ended', endReason: 'hangup', endedBy: alice1.user!.id });
    for (const r of [a1, a2, b1, b2]) {
      expect(await r.wait('ended', (p) => p.call.id === call.id)).toMatchObject({ reason: 'hangup' });
    }
    const done = await record(bob2, direct.id, call);
    expect(done.senderId).toBe(alice1.user!.id);
    expect(done.content).toMatchObject({ status: 'answered', answeredAt: ended.answeredAt, endedAt: ended.endedAt });
    expect(done.content.durationMs).toBe(ended.endedAt! - ended.answeredAt!);
    expect(done.content.durationMs).toBeGreaterThanOrEqual(50);
    // Signals stop with the call; hanging up again answers the call as it is.
    expect(await refusal(alice1.calls.signal(call.id, { kind: 'offer', sdp: 'x' }))).toBe('invalid_operation');
    expect(await alice1.calls.hangup(call.id)).toMatchObject({ endReason: 'hangup' });
    // The record searches like a message.
    const hits = await bob1.search.query({ query: 'video call', conversationId: direct.id });
    expect(hits.hits.map((h) => h.message.id)).toContain(call.messageId);
  });

  it('refuses people outside the direct conversation, blocked people and group conversations', async () => {
    const [alice] = (await person('alice')) as [ParleyClient];
    const [bob] = (await person('bob')) as [ParleyClient];
    const [carol] = (await person('carol')) as [ParleyClient];
    const direct = await alice.conversations.createDirect(bob.user!.id);
    expect(await refusal(carol.calls.start(direct.id, 'audio'))).toBe('not_member');

    const withCarol = await carol.conversations.createDirect(bob.user!.id);
    await bob.blocks.add(carol.user!.id);
    expect(await refusal(carol.calls.start(withCarol.id, 'audio'))).toBe('blocked');
    // Nor may the blocker ring the person they blocked.
    expect(await refusal(bob.calls.start(withCarol.id, 'audio'))).toBe('blocked');

    const group = await alice.conversations.createGroup('g', [bob.user!.id]);
    expect(await refusal(alice.calls.start(group.id, 'audio'))).toBe('invalid_operation');

    // Someone else's call is not found, and cannot be answered or ended.
    const call = await alice.calls.start(direct.id, 'audio');
    expect(await refusal(carol.calls.accept(call.id))).toBe('not_found');
    expect(await refusal(carol.calls.hangup(call.id))).toBe('not_found');
    // The caller cannot accept their own call.
    expect(await refusal(alice.calls.accept(call.id))).toBe('forbidden');
    await alice.calls.hangup(call.id);
  });

  it('declines, cancels, and reports busy when the callee is in another call', async () => {
    const [alice] = (await person('alice')) as [ParleyClient];
    const [bob1, bob2] = (await person('bob', 2)) as [ParleyClient, ParleyClient];
    const [carol] = (await person('carol')) as [ParleyClient];
    const direct = await alice.conversations.createDirect(bob1.user!.id);
    const withCarol = await carol.conversations.createDirect(bob1.user!.id);
    const [a, b1] = [alice, bob1].map(recorder) as [ReturnType<typeof recorder>, ReturnType<typeof recorder>];

    const declined = await alice.calls.start(direct.id, 'audio');
    await b1.wait('incoming', (p) => p.call.id === declined.id);
    await bob2.calls.decline(declined.id);
    expect(await a.wait('ended', (p) => p.call.id === declined.id)).toMatchObject({ reason: 'declined' });
    expect((await b1.wait('ended', (p) => p.call.id === declined.id)).call.endedBy).toBe(bob1.user!.id);
    expect((await record(alice, direct.id, declined)).content.status).toBe('declined');

    const cancelled = await alice.calls.start(direct.id, 'audio');
    await b1.wait('incoming', (p) => p.call.id === cancelled.id);
    await alice.calls.hangup(cancelled.id);
    expect(await b1.wait('ended', (p) => p.call.id === cancelled.id)).toMatchObject({ reason: 'cancelled' });
    expect((await record(bob1, direct.id, cancelled)).content.status).toBe('cancelled');

    const talking = await alice.calls.start(direct.id, 'video');
    await bob1.calls.accept(talking.id);
    // The caller may not start a second call; another caller finds the callee busy.
    expect(await refusal(alice.calls.start(direct.id, 'audio'))).toBe('call_in_progress');
    const busy = await carol.calls.start(withCarol.id, 'audio');
    expect(busy).toMatchObject({ state: 'ended', endReason: 'busy', endedBy: null });
    expect((await record(carol, withCarol.id, busy)).content.status).toBe('busy');
    await bob1.calls.hangup(talking.id);
    expect(await a.wait('ended', (p) => p.call.id === talking.id)).toMatchObject({ reason: 'hangup' });
  });

  it('ends an unanswered call as missed after the ring window; a missed call is unread', async () => {
    const [alice] = (await person('alice')) as [ParleyClient];
    const [bob] = (await person('bob')) as [ParleyClient];
    const direct = await alice.conversations.createDirect(bob.user!.id);
    const b = recorder(bob);
    const call = await alice.calls.start(direct.id, 'video');
    await b.wait('incoming');
    // PARLEY_CALL_RING_SECONDS=1 in this server.
    const { call: ended } = await b.wait('ended', (p) => p.call.id === call.id);
    expect(ended).toMatchObject({ endReason: 'missed', answeredAt: null, endedBy: null });
    expect(ended.endedAt! - ended.startedAt).toBeGreaterThanOrEqual(1000);
    expect((await record(bob, direct.id, call)).content).toMatchObject({ status: 'missed' });
    expect((await bob.calls.list()).map((c) => c.id)).not.toContain(call.id);
    const summary = (await bob.conversations.list()).find((s) => s.conversation.id === direct.id)!;
    expect(summary.unreadCount).toBe(1);
    expect(summary.lastMessage).toMatchObject({ id: call.messageId, content: { type: 'call', status: 'missed' } });
  });

  it('mints TURN REST credentials per user that coturn can check with the shared secret', async () => {
    const [alice] = (await person('alice')) as [ParleyClient];
    const before = Math.floor(Date.now() / 1000);
    const ice = await alice.calls.iceServers();
    expect(ice.relay).toBe(true);
    expect(ice.iceTransportPolicy).toBe('all');
    const stun = ice.iceServers.find((s) => s.username === undefined);
    expect(stun?.urls).toEqual(['stun:127.0.0.1:3478']);
    const turn = ice.iceServers.find((s) => s.username !== undefined)!;
    expect(turn.urls).toEqual(['turn:127.0.0.1:3478?transport=udp']);
    const [expiry, userId] = turn.username!.split(':') as [string, string];
    expect(userId).toBe(alice.user!.id);
    expect(Number(expiry) - before).toBeGreaterThanOrEqual(600);
    expect(Number(expiry) - before).toBeLessThanOrEqual(602);
    expect(ice.expiresAt).toBe(Number(expiry) * 1000);
    expect(turn.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn.username!).digest('base64'));
  });
});
