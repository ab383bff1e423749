/**
 * The six delivery guarantees of DESIGN.md, each with a test that fails if it
 * breaks. G1 across a real crash (kill -9) is in crash.test.ts; G4 and G5 as an app
 * sees them (through the SDK) are also in realtime.test.ts.
 */
import path from 'node:path';
import type { Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBus } from '../src/bus/bus-local';
import { openSqlite, type SqliteConnection } from '../src/store/sqlite/open-sqlite';
import { silentLogger } from '../src/observability/logger';
import { RawClient, http, registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
let bus: LocalBus;
let db: SqliteConnection;
beforeAll(async () => {
  bus = new LocalBus(silentLogger());
  t = await startTestServer({ framesPerSecond: 10_000 }, { bus });
  // A second, independent connection to the same file sees only committed rows.
  db = openSqlite(path.join(t.dataDir, 'parley.db'), { readonly: true });
});
afterAll(async () => {
  db.close();
  await t.stop();
});

const committed = (id: string) => db.prepare('select id from messages where id = ?').all([id]).length > 0;

async function directPair() {
  const [a, b] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
  const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations/direct', {
    token: a.token,
    body: { userId: b.user.id },
  });
  return { a, b, conversationId: body.conversation.id };
}

type Ack = { type: 'result'; data: { message: Message; duplicate: boolean } };

describe('G1: an acknowledged message is durable', () => {
  it('is committed (visible to another database connection) when the ack arrives', async () => {
    const { a, conversationId } = await directPair();
    const client = await RawClient.authed(t.wsUrl, a.token);
    for (let i = 0; i < 20; i++) {
      const ack = (await client.request('message.send', {
        conversationId,
        clientId: `g1-${i}`,
        content: { type: 'text', text: `m${i}` },
      })) as Ack;
      expect(committed(ack.data.message.id)).toBe(true);
    }
    client.close();
  });
});

describe('G2: per-conversation total order without gaps', () => {
  it('gives concurrent senders consecutive seqs, and history returns them in that order', async () => {
    const members = await Promise.all([0, 1, 2, 3].map(() => registerUser(t.url)));
    const owner = members[0]!;
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: owner.token,
      body: { title: 'order', memberIds: members.slice(1).map((m) => m.user.id) },
    });
    const conversationId = body.conversation.id;
    const clients = await Promise.all(members.map((m) => RawClient.authed(t.wsUrl, m.token)));
    const acks = (await Promise.all(
      clients.flatMap((c, ci) =>
        Array.from({ length: 25 }, (_, i) =>
          c.request('message.send', {
            conversationId,
            clientId: `g2-${ci}-${i}`,
            content: { type: 'text', text: `${ci}:${i}` },
          }),
        ),
      ),
    )) as Ack[];
    const seqs = acks.map((a) => a.data.message.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 2)); // seq 1 is the "created" system message
    // Each sender's own messages keep the order it sent them in.
    for (let ci = 0; ci < clients.length; ci++) {
      const mine = acks.slice(ci * 25, ci * 25 + 25).map((a) => a.data.message.seq);
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
    const history = await http<{ messages: Message[] }>(
      t.url,
      'GET',
      `/v1/conversations/${conversationId}/messages?limit=200`,
      {
        token: owner.token,
      },
    );
    expect(history.body.messages.map((m) => m.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    clients.forEach((c) => c.close());
  });
});

describe('G3: idempotent send', () => {
  it('a retry after a lost ack (socket dropped before reading it) returns the first ack and stores one copy', async () => {
    const { a, b, conversationId } = await directPair();
    const first = await RawClient.authed(t.wsUrl, a.token);
    first.sendRaw(
      JSON.stringify({
        type: 'message.send',
        id: 'lost',
        data: { conversationId, clientId: 'g3', content: { type: 'text', text: 'once' } },
      }),
    );
    first.ws.terminate(); // the ack, if any, is never read
    const second = await RawClient.authed(t.wsUrl, a.token);
    const retry = (await second.request('message.send', {
      conversationId,
      clientId: 'g3',
      content: { type: 'text', text: 'once' },
    })) as Ack;
    const again = (await second.request('message.send', {
      conversationId,
      clientId: 'g3',
      content: { type: 'text', text: 'once' },
    })) as Ack;
    expect(again.data.duplicate).toBe(true);
    expect(again.data.message).toEqual(retry.data.message);
    const history = await http<{ messages: Message[] }>(t.url, 'GET', `/v1/conversations/${conversationId}/messages`, {
      token: b.token,
    });
    expect(history.body.messages.filter((m) => m.clientId === 'g3')).toHaveLength(1);
    second.close();
  });
});

describe('G4: every device of every member receives every message', () => {
  it('reaches both devices of the recipient and the sender’s other device, once each', async () => {
    const { a, b, conversationId } = await directPair();
    const login = async (username: string) =>
      (
        await http<{ token: string }>(t.url, 'POST', '/v1/auth/login', {
          body: { username, password: 'correct horse battery' },
        })
      ).body.token;
    const devices = await Promise.all([
      RawClient.authed(t.wsUrl, a.token),
      RawClient.authed(t.wsUrl, await login(a.user.username)),
      RawClient.authed(t.wsUrl, b.token),
      RawClient.authed(t.wsUrl, await login(b.user.username)),
    ]);
    const sender = devices[0];
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const ack = (await sender.request('message.send', {
        conversationId,
        clientId: `g4-${i}`,
        content: { type: 'text', text: `${i}` },
      })) as Ack;
      ids.push(ack.data.message.id);
    }
    for (const device of devices) {
      const received: string[] = [];
      while (received.length < ids.length) {
        const frame = (await device.event('message.new')) as { data: { message: Message } };
        received.push(frame.data.message.id);
      }
      expect(received).toEqual(ids);
      await device.request('ping', {});
      expect(device.frames.filter((f) => f.type === 'message.new')).toHaveLength(0); // no extra copies
    }
    devices.forEach((d) => d.close());
  });
});

describe('G5: resume from the cursor', () => {
  it('a reconnecting client gets exactly what it missed, in order; an offline user gets everything at login', async () => {
    const { a, b, conversationId } = await directPair();
    const sender = await RawClient.authed(t.wsUrl, a.token);
    const send = (i: number) =>
      sender.request('message.send', { conversationId, clientId: `g5-${i}`, content: { type: 'text', text: `${i}` } });
    for (let i = 1; i <= 3; i++) await send(i);

    // B was never online: its first sync brings all three.
    const bob = await RawClient.authed(t.wsUrl, b.token);
    const firstSync = (await bob.request('sync', { cursors: {} })) as { data: { messages: Message[] } };
    expect(firstSync.data.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    bob.close();

    for (let i = 4; i <= 8; i++) await send(i);
    const back = await RawClient.authed(t.wsUrl, b.token);
    const resumed = (await back.request('sync', { cursors: { [conversationId]: 3 } })) as {
      data: { messages: Message[]; truncated: string[] };
    };
    expect(resumed.data.messages.map((m) => m.seq)).toEqual([4, 5, 6, 7, 8]);
    expect(resumed.data.truncated).toEqual([]);

    // A small page reports truncation so the client pages the rest with history.
    const paged = (await back.request('sync', { cursors: { [conversationId]: 0 }, limit: 2 })) as {
      data: { messages: Message[]; truncated: string[] };
    };
    expect(paged.data.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(paged.data.truncated).toEqual([conversationId]);

    // Once B reports delivery up to 8, a login without cursors resumes after 8.
    await back.request('receipt.set', { conversationId, kind: 'delivered', seq: 8 });
    await send(9);
    const later = await RawClient.authed(t.wsUrl, b.token);
    const fromDelivered = (await later.request('sync', { cursors: {} })) as { data: { messages: Message[] } };
    expect(fromDelivered.data.messages.map((m) => m.seq)).toEqual([9]);
    [sender, back, later].forEach((c) => c.close());
  });
});

describe('G6: fan-out only after commit', () => {
  it('every message published on the bus is already committed when it is published', async () => {
    const { a, conversationId } = await directPair();
    const seen: boolean[] = [];
    const subscription = bus.subscribe(`conv.${conversationId}`, (event) => {
      if (event.type === 'message.new') seen.push(committed(event.message.id));
    });
    const client = await RawClient.authed(t.wsUrl, a.token);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client.request('message.send', {
          conversationId,
          clientId: `g6-${i}`,
          content: { type: 'text', text: `${i}` },
        }),
      ),
    );
    subscription.unsubscribe();
    expect(seen).toHaveLength(30);
    expect(seen.every(Boolean)).toBe(true);
    client.close();
  });

  it('a refused message is never published', async () => {
    const { a, conversationId } = await directPair();
    let published = 0;
    const subscription = bus.subscribe(`conv.${conversationId}`, () => published++);
    const client = await RawClient.authed(t.wsUrl, a.token);
    await client.request('message.send', {
      conversationId,
      clientId: 'g6-big',
      content: { type: 'text', text: 'x'.repeat(20_000) },
    });
    await client.request('message.send', {
      conversationId,
      clientId: 'g6-ok',
      content: { type: 'text', text: 'fine' },
    });
    await client.request('message.send', {
      conversationId,
      clientId: 'g6-ok',
      content: { type: 'text', text: 'fine' },
    }); // a repeat is not re-published
    subscription.unsubscribe();
    expect(published).toBe(1);
    client.close();
  });
});
