import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '@parley/protocol';
import { ParleyClient } from './client';
import type { ClientState } from './client-types';
import { FakeServer, msg, type FakeSocket, type SentFrame } from './fake-socket.test-helper';

/** A scripted server holding one conversation's messages, answering like the real one. */
function world(kind: 'group' | 'channel' = 'group') {
  const server = new FakeServer();
  const log: Message[] = [];
  const byClientId = new Map<string, Message>();
  let dropSends = false;
  const handler = (socket: FakeSocket, frame: SentFrame) => {
    const d = frame.data;
    switch (frame.type) {
      case 'sync': {
        const cursors = d['cursors'] as Record<string, number>;
        const after = cursors['c'] ?? 0;
        const lastSeq = log.length;
        socket.reply(frame.id, {
          conversations: [
            {
              conversation: {
                id: 'c',
                kind,
                title: 'C',
                createdAt: 1,
                lastSeq,
                lastActivityAt: 1,
                members: [],
              },
              lastMessage: log.at(-1) ?? null,
              unreadCount: 0,
              readSeq: 0,
              deliveredSeq: 0,
            },
          ],
          messages: log.filter((m) => m.seq > after),
          truncated: [],
        });
        return;
      }
      case 'history': {
        const after = d['after'] as number;
        socket.reply(frame.id, { messages: log.filter((m) => m.seq > after), hasMore: false });
        return;
      }
      case 'message.send': {
        const clientId = d['clientId'] as string;
        const existing = byClientId.get(clientId);
        if (existing) {
          socket.reply(frame.id, { message: existing, duplicate: true });
          return;
        }
        const m = {
          ...msg('c', log.length + 1, 'me', clientId),
          content: d['content'] as { type: 'text'; text: string },
        };
        log.push(m);
        byClientId.set(clientId, m);
        if (!dropSends) socket.reply(frame.id, { message: m, duplicate: false });
        return;
      }
      case 'receipt.set':
      case 'typing.set':
        socket.reply(frame.id, {});
        return;
    }
  };
  server.handler = handler;
  const post = (senderId = 'bob') => {
    const m = msg('c', log.length + 1, senderId);
    log.push(m);
    return m;
  };
  return {
    server,
    log,
    post,
    setDropSends: (v: boolean) => (dropSends = v),
  };
}

function makeClient(w: ReturnType<typeof world>, cursors?: Record<string, number>) {
  const client = new ParleyClient({
    baseUrl: 'http://test',
    WebSocket: w.server.WebSocket,
    token: 'tok',
    pingIntervalMs: 0,
    backoff: { initialDelayMs: 100, maxDelayMs: 100 },
    random: () => 0.5,
    ...(cursors ? { cursors } : {}),
  });
  const seen: string[] = [];
  const states: ClientState[] = [];
  client.on('message', (m) => seen.push(`${m.seq}:${m.senderId}`));
  client.on('state', (s) => states.push(s));
  return { client, seen, states };
}

describe('ParleyClient', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('connects, catches up from its cursors and reports connected', async () => {
    const w = world();
    w.post();
    w.post();
    w.post();
    const { client, seen, states } = makeClient(w, { c: 1 });
    const synced: number[] = [];
    client.on('synced', (s) => synced.push(s.conversations.length));
    await client.connect();
    expect(w.server.last.framesOf('sync')[0]!.data).toEqual({ cursors: { c: 1 }, complete: true });
    expect(seen).toEqual(['2:bob', '3:bob']);
    expect(synced).toEqual([1]);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(client.user?.id).toBe('me');
    expect(client.cursors()).toEqual({ c: 3 });
  });

  it('delivers live messages once and in order, filling gaps from history', async () => {
    const w = world();
    const { client, seen } = makeClient(w);
    await client.connect();
    const [m1, m2, m3] = [w.post(), w.post(), w.post()];
    const socket = w.server.last;
    socket.push({ type: 'message.new', data: { message: m3 } });
    socket.push({ type: 'message.new', data: { message: m1 } });
    socket.push({ type: 'message.new', data: { message: m1 } });
    expect(seen).toEqual(['1:bob']);
    await vi.advanceTimersByTimeAsync(300); // gap-fill delay, then history after=1
    expect(socket.framesOf('history')[0]!.data).toMatchObject({ conversationId: 'c', after: 1 });
    socket.push({ type: 'message.new', data: { message: m2 } });
    expect(seen).toEqual(['1:bob', '2:bob', '3:bob']);
  });

  it('queues sends while offline, flushes them after sync, and shows own messages in the timeline', async () => {
    const w = world();
    const { client, seen } = makeClient(w);
    const p1 = client.messages.send('c', 'first');
    const p2 = client.messages.send('c', 'second');
    expect(client.messages.pending()).toHaveLength(2);
    await client.connect();
    await expect(p1).resolves.toMatchObject({ seq: 1, content: { text: 'first' } });
    await expect(p2).resolves.toMatchObject({ seq: 2, content: { text: 'second' } });
    const frames = w.server.last.sent.map((f) => f.type);
    expect(frames.indexOf('sync')).toBeLessThan(frames.indexOf('message.send'));
    // The server's echo of our own message is a duplicate.
    w.server.last.push({ type: 'message.new', data: { message: w.log[0] } });
    expect(seen).toEqual(['1:me', '2:me']);
  });

  it('retries a send whose ack was lost with the same client id, and stores it once', async () => {
    const w = world();
    const { client, seen } = makeClient(w);
    await client.connect();
    w.setDropSends(true);
    const p = client.messages.send('c', 'hello');
    await vi.advanceTimersByTimeAsync(0);
    const firstId = w.server.last.framesOf('message.send')[0]!.data['clientId'];
    w.setDropSends(false);
    w.server.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(100);
    await expect(p).resolves.toMatchObject({ seq: 1, clientId: firstId });
    expect(w.server.last.framesOf('message.send')[0]!.data['clientId']).toBe(firstId);
    expect(w.log).toHaveLength(1);
    expect(seen).toEqual(['1:me']);
  });

  it('resumes after a reconnect without losing or repeating messages', async () => {
    const w = world();
    const { client, seen } = makeClient(w);
    await client.connect();
    const m1 = w.post();
    w.server.last.push({ type: 'message.new', data: { message: m1 } });
    w.server.last.serverClose(1001);
    w.post();
    w.post();
    await vi.advanceTimersByTimeAsync(100);
    expect(w.server.last.framesOf('sync')[0]!.data).toEqual({ cursors: { c: 1 }, complete: true });
    expect(seen).toEqual(['1:bob', '2:bob', '3:bob']);
    expect(client.state.state).toBe('connected');
  });

  it('sends batched delivered receipts for messages from others', async () => {
    const w = world();
    const { client } = makeClient(w);
    await client.connect();
    for (let i = 0; i < 3; i += 1) w.server.last.push({ type: 'message.new', data: { message: w.post() } });
    await client.messages.send('c', 'mine');
    await vi.advanceTimersByTimeAsync(300);
    const receipts = w.server.last.framesOf('receipt.set').map((f) => f.data);
    expect(receipts).toEqual([{ conversationId: 'c', kind: 'delivered', seq: 3 }]);
  });

  it('sends no automatic delivered receipts in channels (one post would cost a write per member)', async () => {
    const w = world('channel');
    const { client } = makeClient(w);
    const seen: number[] = [];
    client.on('message', (m) => seen.push(m.seq));
    await client.connect();
    for (let i = 0; i < 3; i += 1) w.server.last.push({ type: 'message.new', data: { message: w.post() } });
    await vi.advanceTimersByTimeAsync(300);
    expect(seen).toEqual([1, 2, 3]);
    expect(w.server.last.framesOf('receipt.set')).toEqual([]);
    // Reading still moves the cursor, on purpose.
    await client.receipts.markRead('c', 3);
    expect(w.server.last.framesOf('receipt.set').map((f) => f.data)).toEqual([
      { conversationId: 'c', kind: 'read', seq: 3 },
    ]);
  });

  it('stops on a revoked session, rejects connect, and does not reconnect', async () => {
    const w = world();
    const { client, states } = makeClient(w);
    await client.connect();
    w.server.last.serverClose(4003, 'revoked');
    expect(states.at(-1)).toEqual({ state: 'stopped', reason: 'session_revoked', code: 4003 });
    const again = makeClient(w);
    w.server.autoAuth = false;
    w.server.handler = (socket, frame) => socket.fail(frame.id, 'token_invalid');
    await expect(again.client.connect()).rejects.toMatchObject({ code: 'token_invalid' });
  });

  it('routes events to typed listeners and lets them unsubscribe', async () => {
    const w = world();
    const { client } = makeClient(w);
    await client.connect();
    const typing: boolean[] = [];
    const off = client.on('typing', (t) => typing.push(t.typing));
    const removed: string[] = [];
    client.on('conversation.removed', (r) => removed.push(r.conversationId));
    const frame = { type: 'typing', data: { conversationId: 'c', userId: 'bob', typing: true, expiresInMs: 5000 } };
    w.server.last.push(frame);
    off();
    w.server.last.push(frame);
    w.server.last.push({ type: 'conversation.removed', data: { conversationId: 'c' } });
    expect(typing).toEqual([true]);
    expect(removed).toEqual(['c']);
    expect(client.cursors()).toEqual({});
  });

  it('reports my privacy settings and blocks changed on another device', async () => {
    const w = world();
    const { client } = makeClient(w);
    await client.connect();
    const privacy: unknown[] = [];
    const blocks: unknown[] = [];
    client.on('privacy', (p) => privacy.push(p));
    client.on('block', (b) => blocks.push(b));
    w.server.last.push({ type: 'privacy.updated', data: { privacy: { presence: 'contacts' } } });
    w.server.last.push({ type: 'block.updated', data: { userId: 'bob', blocked: true } });
    // An invalid value is reported as an error, not passed on.
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    w.server.last.push({ type: 'privacy.updated', data: { privacy: { presence: 'friends' } } });
    expect(privacy).toEqual([{ presence: 'contacts' }]);
    expect(blocks).toEqual([{ userId: 'bob', blocked: true }]);
    expect(errors).toEqual(['bad_request']);
  });

  it('close() rejects queued messages and pending connects', async () => {
    const w = world();
    w.server.autoOpen = false;
    const { client, states } = makeClient(w);
    const connecting = client.connect();
    const sending = client.messages.send('c', 'never');
    client.close();
    await expect(connecting).rejects.toMatchObject({ localFailure: 'closed' });
    await expect(sending).rejects.toMatchObject({ localFailure: 'closed' });
    expect(states.at(-1)).toEqual({ state: 'stopped', reason: 'closed' });
  });

  it('rejects an invalid client id and empty text without queuing', async () => {
    const w = world();
    const { client } = makeClient(w);
    await expect(client.messages.send('c', 'x', { clientId: 'has space' })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(client.messages.send('c', '')).rejects.toMatchObject({ code: 'bad_request' });
    expect(client.messages.pending()).toEqual([]);
  });

  it('rejects a text or caption the server would refuse without queuing, and sends CR LF as LF', async () => {
    const w = world();
    const { client } = makeClient(w);
    await expect(client.messages.send('c', 'trap\u0001title')).rejects.toMatchObject({
      code: 'invalid_text',
      details: { field: 'text', codePoint: 'U+0001', index: 4, reason: 'control' },
    });
    await expect(client.messages.sendFile('c', 'f_1', { caption: 'half \uD83D' })).rejects.toMatchObject({
      code: 'invalid_text',
      details: { field: 'caption', reason: 'lone_surrogate' },
    });
    expect(client.messages.pending()).toEqual([]);
    void client.messages.send('c', 'one\r\ntwo').catch(() => undefined);
    expect(client.messages.pending().map((entry) => entry.content)).toEqual([{ type: 'text', text: 'one\ntwo' }]);
    client.close();
  });
});
