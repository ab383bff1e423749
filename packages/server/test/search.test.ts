/**
 * Full-text search over real sockets (the `search` frame and GET /v1/search): a user
 * finds what they may read and nothing else, never after leaving, never deleted or
 * edited-away text; highlights, filters, relevance and cursor paging.
 */
import type { AuthResponse, Conversation, Message, SearchHit } from '@parley/protocol';
import { createNodeClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, http, RawClient, registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

type Page = { hits: SearchHit[]; nextCursor: string | null };
const api = <T>(method: string, route: string, token: string, body?: unknown) =>
  http<T>(t.url, method, route, { token, body });

let words = 0;
/** A word no other test uses, and no prefix of another one (fixed length). */
function word(): string {
  words += 1;
  return `w${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}${words.toString().padStart(4, '0')}`;
}

async function group(owner: AuthResponse, members: AuthResponse[]): Promise<Conversation> {
  const res = await api<{ conversation: Conversation }>('POST', '/v1/conversations', owner.token, {
    title: 'Search',
    memberIds: members.map((m) => m.user.id),
  });
  expect(res.status).toBe(201);
  return res.body.conversation;
}

async function send(user: AuthResponse, conversationId: string, text: string): Promise<Message> {
  const res = await api<{ message: Message }>('POST', `/v1/conversations/${conversationId}/messages`, user.token, {
    clientId: `c${Math.random().toString(36).slice(2)}`,
    content: { type: 'text', text },
  });
  expect(res.status).toBeLessThan(300);
  return res.body.message;
}

async function search(user: AuthResponse, params: Record<string, string | number>): Promise<Page> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await api<Page>('GET', `/v1/search?${query.toString()}`, user.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const ids = (page: Page) => page.hits.map((hit) => hit.message.id);

describe('search', () => {
  it('finds messages by word prefixes over HTTP and WebSocket alike, with highlights', async () => {
    const alice = await registerUser(t.url);
    const bob = await registerUser(t.url);
    const conv = await group(alice, [bob]);
    const w = word();
    const first = await send(alice, conv.id, `Release notes for ${w}: Parley ships search`);
    const second = await send(bob, conv.id, `${w} parliament? No, PARLEY!`);
    const page = await search(bob, { q: `${w} parl` });
    expect(ids(page)).toEqual([second.id, first.id]);
    expect(page.nextCursor).toBeNull();
    const text = `${w} parliament? No, PARLEY!`;
    expect(page.hits[0]!.highlights.map(([s, e]) => text.slice(s, e))).toEqual([w, 'parliament', 'PARLEY']);

    const ws = await RawClient.authed(t.wsUrl, bob.token);
    try {
      expect((await ws.request('reaction.set', { messageId: first.id, emoji: '🚀', reacted: true })).type).toBe(
        'result',
      );
      const reply = await ws.request('search', { query: `${w} PARLEY ships` });
      expect(reply.type).toBe('result');
      if (reply.type !== 'result') return;
      const hits = (reply.data as Page).hits;
      expect(hits.map((h) => h.message.id)).toEqual([first.id]);
      // As history shows it: with its reactions and the reader's own.
      expect(hits[0]!.message.reactions).toEqual([{ emoji: '🚀', count: 1, userIds: [bob.user.id] }]);
      expect(hits[0]!.message.myReactions).toEqual(['🚀']);
      const forAlice = await search(alice, { q: `${w} ships` });
      expect(forAlice.hits[0]!.message.myReactions).toBeUndefined();
    } finally {
      ws.close();
    }
  });

  it('finds words inside Chinese, Japanese and Thai, and without diacritics, highlighting what was written', async () => {
    const alice = await registerUser(t.url);
    const bob = await registerUser(t.url);
    const conv = await group(alice, [bob]);
    const w = word();
    const texts = [
      `${w} 我们明天去北京吃烤鸭`,
      `${w} 東京タワーに行きました`,
      `${w} Die Überprüfung läuft`,
      `${w} ฉันจะไปกรุงเทพพรุ่งนี้`,
      `${w} 🎉 Tiếng Việt ở Đà Nẵng 🍣`,
    ];
    const sent: Message[] = [];
    for (const text of texts) sent.push(await send(alice, conv.id, text));
    const cases: [string, number, string[]][] = [
      ['北京', 0, ['北京']],
      ['タワー', 1, ['タワー']],
      ['ﾀﾜｰ', 1, ['タワー']],
      ['uberprufung', 2, ['Überprüfung']],
      ['กรุงเทพ', 3, ['กรุงเทพ']],
      ['tieng da nang', 4, ['Tiếng', 'Đà', 'Nẵng']],
      ['京', 0, ['京']],
    ];
    for (const [query, index, marked] of cases) {
      const page = await search(bob, { q: `${w} ${query}` });
      const text = texts[index]!;
      // The first highlight is the tag word; the rest mark the original text, accents and all.
      expect(ids(page), query).toEqual(query === '京' ? [sent[1]!.id, sent[0]!.id] : [sent[index]!.id]);
      const hit = page.hits.find((h) => h.message.id === sent[index]!.id)!;
      expect(
        hit.highlights.slice(1).map(([s, e]) => text.slice(s, e)),
        query,
      ).toEqual(marked);
    }
  });

  it('never returns messages of conversations the user is not in, or left', async () => {
    const alice = await registerUser(t.url);
    const bob = await registerUser(t.url);
    const eve = await registerUser(t.url);
    const shared = await group(alice, [bob, eve]);
    const secret = await group(alice, [bob]);
    const w = word();
    const inShared = await send(alice, shared.id, `${w} shared`);
    const inSecret = await send(alice, secret.id, `${w} secret`);
    expect(ids(await search(bob, { q: w }))).toEqual([inSecret.id, inShared.id]);
    expect(ids(await search(eve, { q: w }))).toEqual([inShared.id]);
    // Asking for the other conversation explicitly is refused with the reason.
    const refused = await api<{ error: { code: string } }>(
      'GET',
      `/v1/search?q=${w}&conversationId=${secret.id}`,
      eve.token,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('not_member');
    expect(
      (await api<{ error: { code: string } }>('GET', `/v1/search?q=${w}&conversationId=c_nope`, eve.token)).body.error
        .code,
    ).toBe('not_found');
    // After leaving, nothing of that conversation, not even older messages.
    expect((await api('POST', `/v1/conversations/${shared.id}/leave`, eve.token)).status).toBe(204);
    expect(ids(await search(eve, { q: w }))).toEqual([]);
    expect(ids(await search(bob, { q: w }))).toEqual([inSecret.id, inShared.id]);
  });

  it('never returns deleted messages or edited-away text', async () => {
    const alice = await registerUser(t.url);
    const bob = await registerUser(t.url);
    const conv = await group(alice, [bob]);
    const w = word();
    const kept = await send(alice, conv.id, `${w} kept`);
    const deleted = await send(alice, conv.id, `${w} deleted soon`);
    const edited = await send(alice, conv.id, `${w} original wording`);
    const ws = await RawClient.authed(t.wsUrl, alice.token);
    try {
      expect((await ws.request('message.delete', { messageId: deleted.id })).type).toBe('result');
      expect((await ws.request('message.edit', { messageId: edited.id, text: 'replaced entirely' })).type).toBe(
        'result',
      );
    } finally {
      ws.close();
    }
    expect(ids(await search(bob, { q: w }))).toEqual([kept.id]);
    expect(ids(await search(bob, { q: 'original wording' })).filter((id) => id === edited.id)).toEqual([]);
    const found = await search(bob, { q: 'replaced entirely', conversationId: conv.id });
    expect(ids(found)).toEqual([edited.id]);
    expect(found.hits[0]!.message.editedAt).toBeDefined();
    // Updates entries (the edit, the delete) are never hits themselves.
    expect(found.hits.every((h) => h.message.content.type === 'text')).toBe(true);
  });

  it('filters by sender and time, ranks by relevance and pages with a cursor', async () => {
    const alice = await registerUser(t.url);
    const bob = await registerUser(t.url);
    const conv = await group(alice, [bob]);
    const w = word();
    const sent: Message[] = [];
    for (let i = 0; i < 5; i += 1) sent.push(await send(i % 2 === 0 ? alice : bob, conv.id, `${w} number ${i}`));
    const best = await send(bob, conv.id, `${w} ${w} ${w}`);
    expect(ids(await search(alice, { q: w, senderId: alice.user.id }))).toEqual(
      [sent[4]!, sent[2]!, sent[0]!].map((m) => m.id),
    );
    expect(ids(await search(alice, { q: w, sort: 'relevance' }))[0]).toBe(best.id);
    expect(ids(await search(alice, { q: w, from: sent[1]!.createdAt, to: sent[1]!.createdAt }))).toContain(sent[1]!.id);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await search(alice, { q: w, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.hits.length).toBeLessThanOrEqual(2);
      pages.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([...sent, best].reverse().map((m) => m.id));
    const bad = await api<{ error: { code: string } }>('GET', `/v1/search?q=${w}&cursor=bogus`, alice.token);
    expect(bad.body.error.code).toBe('bad_request');
  });

  it('works through the SDK, over HTTP before connecting and over the WebSocket after', async () => {
    const client = createNodeClient({ baseUrl: t.url });
    try {
      const { user } = await client.register({ username: `sdk${word()}`, password: 'search sdk password' });
      const other = await registerUser(t.url);
      const conv = await group(other, []);
      await api('POST', `/v1/conversations/${conv.id}/members`, other.token, { userIds: [user.id] });
      const w = word();
      const sent = await send(other, conv.id, `SDK ${w} finds this`);
      const overHttp = await client.search.query({ query: `${w} find`, conversationId: conv.id });
      expect(overHttp.hits.map((h) => h.message.id)).toEqual([sent.id]);
      await client.connect();
      const overWs = await client.search.query({ query: `${w} find`, sort: 'relevance', limit: 5 });
      expect(overWs).toEqual(overHttp);
      await expect(client.search.query({ query: w, conversationId: 'c_missing' })).rejects.toMatchObject({
        code: 'not_found',
      });
    } finally {
      client.close();
    }
  });

  it('answers an empty page for a query without words, and validates the frame', async () => {
    const alice = await registerUser(t.url);
    expect(await search(alice, { q: '?!*' })).toEqual({ hits: [], nextCursor: null });
    const ws = await RawClient.authed(t.wsUrl, alice.token);
    try {
      expect(errorCode(await ws.request('search', { query: '' }))).toBe('bad_request');
      expect(errorCode(await ws.request('search', { query: 'x', limit: 51 }))).toBe('bad_request');
    } finally {
      ws.close();
    }
  });
});
