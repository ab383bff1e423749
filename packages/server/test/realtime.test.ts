/**
 * Real-time behaviour as an app sees it through the SDK, over real sockets:
 * delivery to every device, typing, receipts, presence, conversation events,
 * reconnect-and-resync and offline catch-up.
 */
import { createNodeClient, NodeWebSocket, type Message, type ParleyClient, type Presence } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './harness';

let t: TestServer;
const open: ParleyClient[] = [];
beforeAll(async () => {
  t = await startTestServer({ framesPerSecond: 1000 });
});
afterAll(async () => {
  open.forEach((c) => c.close());
  await t.stop();
});

/** A WebSocket class whose instances the test can reach, to drop a connection like a network would. */
function trackedWebSocket() {
  const sockets: WebSocket[] = [];
  class Tracked extends WebSocket {
    constructor(url: string | URL) {
      super(url);
      sockets.push(this);
    }
  }
  return { WebSocket: Tracked as unknown as typeof NodeWebSocket, sockets };
}

function client(options: { WebSocket?: typeof NodeWebSocket } = {}) {
  const c = createNodeClient({
    baseUrl: t.url,
    backoff: { initialDelayMs: 50, maxDelayMs: 200 },
    receiptBatchMs: 20,
    ...options,
  });
  open.push(c);
  return c;
}

let n = 0;
async function person(name: string, options: { WebSocket?: typeof NodeWebSocket } = {}) {
  const c = client(options);
  await c.register({ username: `${name}${++n}`, password: 'realtime password' });
  return c;
}

async function secondDevice(of: ParleyClient) {
  const c = client();
  await c.login({ username: of.user!.username, password: 'realtime password' });
  return c;
}

function collect<T>(c: ParleyClient, event: 'message' | 'typing' | 'receipt' | 'presence' | 'conversation'): T[] {
  const items: T[] = [];
  c.on(event, (item) => items.push(item as T));
  return items;
}

const texts = (messages: Message[]) => messages.flatMap((m) => (m.content.type === 'text' ? [m.content.text] : []));

describe('delivery', () => {
  it('reaches every device of every member, the sender’s other device included, once each and in order', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const alice2 = await secondDevice(alice);
    const direct = await alice.conversations.createDirect(bob.user!.id);
    const inboxes = [alice, alice2, bob].map((c) => collect<Message>(c, 'message'));
    await Promise.all([alice.connect(), alice2.connect(), bob.connect()]);
    for (let i = 0; i < 10; i++) await alice.messages.send(direct.id, `hello ${i}`);
    const expected = Array.from({ length: 10 }, (_, i) => `hello ${i}`);
    for (const inbox of inboxes) await expect.poll(() => texts(inbox)).toEqual(expected);
    await new Promise((r) => setTimeout(r, 100));
    for (const inbox of inboxes) expect(texts(inbox)).toEqual(expected);
  });

  it('tells a user added to a group, and delivers its messages from then on', async () => {
    const owner = await person('owner');
    const newcomer = await person('newcomer');
    const conversations = collect<{ id: string }>(newcomer, 'conversation');
    const inbox = collect<Message>(newcomer, 'message');
    await Promise.all([owner.connect(), newcomer.connect()]);
    const group = await owner.conversations.createGroup('later', []);
    await owner.messages.send(group.id, 'before you came');
    await owner.conversations.addMembers(group.id, [newcomer.user!.id]);
    await expect.poll(() => conversations.some((c) => c.id === group.id)).toBe(true);
    await owner.messages.send(group.id, 'welcome');
    // P9: the newcomer's entries start with the one that added them; what was said before
    // is history, not news.
    await expect.poll(() => texts(inbox)).toEqual(['welcome']);
    expect(inbox.map((m) => m.seq)).toEqual([3, 4]);
    expect(inbox[0]?.content).toMatchObject({ type: 'system', action: 'member.added' });
    const page = await newcomer.messages.history(group.id);
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });
});

describe('typing, receipts and presence', () => {
  it('shows typing to the other members only', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const alice2 = await secondDevice(alice);
    const direct = await alice.conversations.createDirect(bob.user!.id);
    const bobTyping = collect<{ userId: string; typing: boolean }>(bob, 'typing');
    const alice2Typing = collect(alice2, 'typing');
    await Promise.all([alice.connect(), alice2.connect(), bob.connect()]);
    await alice.typing.set(direct.id, true);
    await expect.poll(() => bobTyping.at(-1)).toMatchObject({ userId: alice.user!.id, typing: true });
    await alice.typing.set(direct.id, false);
    await expect.poll(() => bobTyping.at(-1)).toMatchObject({ typing: false });
    expect(alice2Typing).toHaveLength(0);
  });

  it('sends delivered receipts automatically and read receipts on request', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const direct = await alice.conversations.createDirect(bob.user!.id);
    const receipts = collect<{ userId: string; kind: string; seq: number }>(alice, 'receipt');
    await Promise.all([alice.connect(), bob.connect()]);
    const m = await alice.messages.send(direct.id, 'did you get this?');
    await expect
      .poll(() => receipts.find((r) => r.kind === 'delivered'))
      .toMatchObject({ userId: bob.user!.id, seq: m.seq });
    await bob.receipts.markRead(direct.id, m.seq);
    await expect
      .poll(() => receipts.find((r) => r.kind === 'read'))
      .toMatchObject({ userId: bob.user!.id, seq: m.seq });
    const [summary] = await bob.conversations.list();
    expect(summary).toMatchObject({ readSeq: m.seq, unreadCount: 0 });
  });

  it('shows presence and last seen to conversation partners and contacts, and to nobody else', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const stranger = await person('stranger');
    // Bob opens the chat: he takes part, so Alice sees his presence (privacy.test.ts has the whole matrix).
    await bob.conversations.createDirect(alice.user!.id);
    const seen = collect<Presence>(alice, 'presence');
    const strangerSeen = collect<Presence>(stranger, 'presence');
    await Promise.all([alice.connect(), stranger.connect()]);
    await bob.connect();
    await expect.poll(() => seen.filter((p) => p.userId === bob.user!.id).at(-1)?.status).toBe('online');
    await bob.presence.set('away');
    await expect.poll(() => seen.filter((p) => p.userId === bob.user!.id).at(-1)?.status).toBe('away');
    bob.close();
    await expect.poll(() => seen.filter((p) => p.userId === bob.user!.id).at(-1)?.status).toBe('offline');
    const [fromAlice] = await alice.presence.get([bob.user!.id]);
    expect(fromAlice).toMatchObject({ status: 'offline' });
    expect(fromAlice!.lastSeenAt).toBeGreaterThan(0);
    const [fromStranger] = await stranger.presence.get([bob.user!.id]);
    expect(fromStranger).toEqual({ userId: bob.user!.id, status: 'offline', lastSeenAt: null });
    expect(strangerSeen.filter((p) => p.userId === bob.user!.id)).toHaveLength(0);

    // A contact sees presence without sharing a conversation.
    await stranger.contacts.add(alice.user!.id);
    expect((await alice.presence.get([stranger.user!.id]))[0]).toMatchObject({ status: 'online' });
  });

  it('hides presence both ways once one blocks the other, even in a shared conversation', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const direct = await alice.conversations.createDirect(bob.user!.id);
    await Promise.all([alice.connect(), bob.connect()]);
    await bob.messages.send(direct.id, 'hi');
    expect((await alice.presence.get([bob.user!.id]))[0]).toMatchObject({ status: 'online' });
    expect((await bob.presence.get([alice.user!.id]))[0]).toMatchObject({ status: 'online' });
    await bob.blocks.add(alice.user!.id);
    const stranger = (id: string) => ({ userId: id, status: 'offline', lastSeenAt: null });
    expect((await alice.presence.get([bob.user!.id]))[0]).toEqual(stranger(bob.user!.id));
    expect((await bob.presence.get([alice.user!.id]))[0]).toEqual(stranger(alice.user!.id));
  });

  it('aggregates devices: busy on one device wins; offline only when the last one leaves', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const bob2 = await secondDevice(bob);
    await bob.conversations.createDirect(alice.user!.id);
    await Promise.all([alice.connect(), bob.connect(), bob2.connect()]);
    await bob2.presence.set('busy');
    const status = async () => (await alice.presence.get([bob.user!.id]))[0]!.status;
    await expect.poll(status).toBe('busy');
    bob2.close();
    await expect.poll(status).toBe('online');
    bob.close();
    await expect.poll(status).toBe('offline');
  });
});

describe('reconnect and catch-up', () => {
  it('resumes after a dropped connection with everything missed, once, in order', async () => {
    const tracked = trackedWebSocket();
    const alice = await person('alice');
    const bob = await person('bob', { WebSocket: tracked.WebSocket });
    const direct = await alice.conversations.createDirect(bob.user!.id);
    const inbox = collect<Message>(bob, 'message');
    await Promise.all([alice.connect(), bob.connect()]);
    await alice.messages.send(direct.id, 'one');
    await expect.poll(() => texts(inbox)).toEqual(['one']);
    const states: string[] = [];
    bob.on('state', (s) => states.push(s.state));
    tracked.sockets.at(-1)!.terminate(); // the network drops; the server notices later
    for (const text of ['two', 'three', 'four']) await alice.messages.send(direct.id, text);
    await expect.poll(() => texts(inbox), { timeout: 10_000 }).toEqual(['one', 'two', 'three', 'four']);
    expect(states).toContain('disconnected');
    expect(tracked.sockets.length).toBeGreaterThan(1);
  });

  it('messages written while disconnected go out on reconnect, once', async () => {
    const tracked = trackedWebSocket();
    const alice = await person('alice', { WebSocket: tracked.WebSocket });
    const bob = await person('bob');
    const direct = await alice.conversations.createDirect(bob.user!.id);
    const inbox = collect<Message>(bob, 'message');
    await Promise.all([alice.connect(), bob.connect()]);
    tracked.sockets.at(-1)!.terminate();
    const sent = await Promise.all(['typed', 'while', 'offline'].map((text) => alice.messages.send(direct.id, text)));
    expect(sent.map((m) => m.seq)).toEqual([1, 2, 3]);
    await expect.poll(() => texts(inbox)).toEqual(['typed', 'while', 'offline']);
  });

  it('gives a user who was offline everything at the next login', async () => {
    const alice = await person('alice');
    const carol = await person('carol');
    const group = await alice.conversations.createGroup('news', [carol.user!.id]);
    await alice.connect();
    for (let i = 1; i <= 5; i++) await alice.messages.send(group.id, `news ${i}`);
    const later = client();
    const inbox = collect<Message>(later, 'message');
    await later.login({ username: carol.user!.username, password: 'realtime password' });
    await later.connect();
    await expect.poll(() => texts(inbox)).toEqual(['news 1', 'news 2', 'news 3', 'news 4', 'news 5']);
  });

  it('stops reconnecting when its session is revoked', async () => {
    const alice = await person('alice');
    const phone = await secondDevice(alice);
    await phone.connect();
    const stopped = new Promise<string>((resolve) =>
      phone.on('state', (s) => {
        if (s.state === 'stopped') resolve(s.reason);
      }),
    );
    const sessions = await alice.sessions.list();
    await alice.sessions.revoke(sessions.find((s) => !s.current)!.id);
    expect(await stopped).toBeTruthy();
  });

  it('closes a revoked device even after the user’s first connection has gone (regression)', async () => {
    const a = await person('alice');
    await a.connect();
    a.close();
    const a2 = client();
    await a2.login({ username: a.user!.username, password: 'realtime password' });
    await a2.connect();
    const b = await secondDevice(a);
    await b.connect();
    const stopped = new Promise<string>((resolve) =>
      b.on('state', (s) => {
        if (s.state === 'stopped') resolve(s.reason);
      }),
    );
    await a2.sessions.revoke((await b.sessions.list()).find((s) => s.current)!.id);
    expect(await stopped).toBe('session_revoked');
  });
});
