/**
 * Channels over real HTTP and WebSocket: the public directory and joining, private
 * channels (invite only), broadcast channels, settings as system messages, paged
 * members, ownership hand-off, and the notification level syncing to another device.
 */
import type {
  AuthResponse,
  ChannelListing,
  Conversation,
  ConversationSummary,
  Member,
  Message,
} from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, RawClient, registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
const clients: RawClient[] = [];
beforeAll(async () => {
  t = await startTestServer({ authAttemptsPerMinute: 1000 });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await t.stop();
});

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };
const api = <T>(method: string, route: string, token: string, body?: unknown) =>
  http<T>(t.url, method, route, { token, body });

async function connect(user: AuthResponse): Promise<RawClient> {
  const client = await RawClient.authed(t.wsUrl, user.token);
  clients.push(client);
  return client;
}

async function channel(
  owner: AuthResponse,
  body: { title: string; visibility: 'public' | 'private'; postPolicy?: 'everyone' | 'admins'; topic?: string },
  members: AuthResponse[] = [],
): Promise<Conversation> {
  const res = await api<{ conversation: Conversation }>('POST', '/v1/channels', owner.token, {
    ...body,
    memberIds: members.map((m) => m.user.id),
  });
  expect(res.status).toBe(201);
  return res.body.conversation;
}

function send(token: string, conversationId: string, text: string) {
  return api<{ message: Message } & ErrorBody>('POST', `/v1/conversations/${conversationId}/messages`, token, {
    clientId: `c${Math.random().toString(36).slice(2)}`,
    content: { type: 'text', text },
  });
}

async function history(token: string, conversationId: string): Promise<Message[]> {
  const res = await api<{ messages: Message[] }>('GET', `/v1/conversations/${conversationId}/messages`, token);
  expect(res.status).toBe(200);
  return res.body.messages;
}

const systemOf = (message: Message | undefined) => (message?.content.type === 'system' ? message.content : undefined);

const tag = () => Math.random().toString(36).slice(2, 8);

describe('public channels', () => {
  it('are listed in the directory; anyone joins, once, and the members hear it', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const word = tag();
    const created = await channel(alice, { title: `Town ${word}`, visibility: 'public', topic: 'All things town' });
    expect(created).toMatchObject({
      kind: 'channel',
      visibility: 'public',
      postPolicy: 'everyone',
      topic: 'All things town',
      memberCount: 1,
      members: [],
    });
    const aliceWs = await connect(alice);

    const listed = await api<{ channels: ChannelListing[]; nextCursor: string | null }>(
      'GET',
      `/v1/channels?query=${word.toUpperCase()}`,
      bob.token,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.channels).toEqual([
      expect.objectContaining({ id: created.id, title: `Town ${word}`, memberCount: 1, joined: false }),
    ]);
    // Not a member yet: reading is refused.
    expect((await api<ErrorBody>('GET', `/v1/conversations/${created.id}`, bob.token)).body.error.code).toBe(
      'not_member',
    );

    const joined = await api<{ conversation: Conversation }>('POST', `/v1/conversations/${created.id}/join`, bob.token);
    expect(joined.status).toBe(200);
    expect(joined.body.conversation).toMatchObject({ memberCount: 2, members: [] });
    const event = await aliceWs.next(
      (f) => f.type === 'message.new' && systemOf(f.data.message)?.action === 'member.joined',
    );
    expect(event.type === 'message.new' && event.data.message.senderId).toBe(bob.user.id);

    // Joining again changes nothing.
    const again = await api<{ conversation: Conversation }>('POST', `/v1/conversations/${created.id}/join`, bob.token);
    expect(again.body.conversation).toMatchObject({ memberCount: 2, lastSeq: joined.body.conversation.lastSeq });
    const after = await api<{ channels: ChannelListing[] }>('GET', `/v1/channels?query=${word}`, bob.token);
    expect(after.body.channels[0]).toMatchObject({ id: created.id, memberCount: 2, joined: true });

    // The new member posts, and the owner's device gets it.
    expect((await send(bob.token, created.id, 'hello town')).status).toBe(200);
    await aliceWs.next(
      (f) =>
        f.type === 'message.new' && f.data.message.content.type === 'text' && f.data.message.senderId === bob.user.id,
    );
  });

  it('pages the directory and the member list', async () => {
    const users = await Promise.all([0, 1, 2, 3, 4, 5].map(() => registerUser(t.url)));
    const [owner, ...others] = users;
    const word = tag();
    const big = await channel(owner!, { title: `Big ${word}`, visibility: 'public' }, others);
    const small = await channel(owner!, { title: `Small ${word}`, visibility: 'public' });
    const page1 = await api<{ channels: ChannelListing[]; nextCursor: string | null }>(
      'GET',
      `/v1/channels?query=${word}&limit=1`,
      owner!.token,
    );
    expect(page1.body.channels.map((c) => c.id)).toEqual([big.id]);
    expect(page1.body.nextCursor).not.toBeNull();
    const page2 = await api<{ channels: ChannelListing[]; nextCursor: string | null }>(
      'GET',
      `/v1/channels?query=${word}&limit=1&cursor=${encodeURIComponent(page1.body.nextCursor!)}`,
      owner!.token,
    );
    expect(page2.body).toEqual({ channels: [expect.objectContaining({ id: small.id })], nextCursor: null });

    const seen: Member[] = [];
    let cursor: string | null = null;
    do {
      const route: string = `/v1/conversations/${big.id}/members?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await api<{ members: Member[]; nextCursor: string | null }>('GET', route, others[0]!.token);
      expect(res.status).toBe(200);
      expect(res.body.members.length).toBeLessThanOrEqual(4);
      seen.push(...res.body.members);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.map((m) => m.userId)).toEqual(users.map((u) => u.user.id).sort());
    expect(seen.find((m) => m.userId === owner!.user.id)?.role).toBe('owner');
    const outsider = await registerUser(t.url);
    expect((await api<ErrorBody>('GET', `/v1/conversations/${big.id}/members`, outsider.token)).body.error.code).toBe(
      'not_member',
    );
  });
});

describe('private and broadcast channels', () => {
  it('a private channel is not listed and cannot be joined without an invite', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const word = tag();
    const secret = await channel(alice, { title: `Secret ${word}`, visibility: 'private' });
    const listed = await api<{ channels: ChannelListing[] }>('GET', `/v1/channels?query=${word}`, bob.token);
    expect(listed.body.channels).toEqual([]);
    const join = await api<ErrorBody>('POST', `/v1/conversations/${secret.id}/join`, bob.token);
    expect([join.status, join.body.error.code]).toEqual([403, 'forbidden']);
    // A group is joined by being added, not by joining.
    const group = await api<{ conversation: Conversation }>('POST', '/v1/conversations', alice.token, {
      title: 'g',
      memberIds: [],
    });
    expect(
      (await api<ErrorBody>('POST', `/v1/conversations/${group.body.conversation.id}/join`, bob.token)).body.error.code,
    ).toBe('invalid_operation');
  });

  it('in a broadcast channel only owners and admins post; members read', async () => {
    const [alice, bob, carol] = await Promise.all([0, 1, 2].map(() => registerUser(t.url)));
    const news = await channel(alice!, { title: 'News', visibility: 'public', postPolicy: 'admins' }, [bob!, carol!]);
    const bobWs = await connect(bob!);
    const refused = await send(bob!.token, news.id, 'can I?');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    const wsRefused = await bobWs.request('message.send', {
      conversationId: news.id,
      clientId: 'b1',
      content: { type: 'text', text: 'over ws?' },
    });
    expect(wsRefused.type === 'error' && wsRefused.error.code).toBe('forbidden');
    expect((await send(alice!.token, news.id, 'Big news')).status).toBe(200);
    await bobWs.next((f) => f.type === 'message.new' && f.data.message.content.type === 'text');
    // Promoted to admin, carol may post.
    expect(
      (await api('PATCH', `/v1/conversations/${news.id}/members/${carol!.user.id}`, alice!.token, { role: 'admin' }))
        .status,
    ).toBe(200);
    expect((await send(carol!.token, news.id, 'More news')).status).toBe(200);
  });
});

describe('settings', () => {
  it('each change is a system message; equal values change nothing; only admins change them', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const c = await channel(alice, { title: 'Club', visibility: 'private' }, [bob]);
    const bobWs = await connect(bob);
    const route = `/v1/conversations/${c.id}`;
    const res = await api<{ conversation: Conversation }>('PATCH', route, alice.token, {
      title: 'Club 2',
      topic: 'Chess',
      description: 'Every Tuesday',
      visibility: 'public',
      slowModeSeconds: 30,
    });
    expect(res.status).toBe(200);
    expect(res.body.conversation).toMatchObject({
      title: 'Club 2',
      topic: 'Chess',
      description: 'Every Tuesday',
      visibility: 'public',
      slowModeSeconds: 30,
      postPolicy: 'everyone',
    });
    const changed = await bobWs.next(
      (f) => f.type === 'message.new' && systemOf(f.data.message)?.action === 'settings.changed',
    );
    expect(changed.type === 'message.new' && systemOf(changed.data.message)?.settings).toEqual({
      topic: 'Chess',
      description: 'Every Tuesday',
      visibility: 'public',
      slowModeSeconds: 30,
    });
    const tail = (await history(bob.token, c.id)).slice(-2).map((m) => systemOf(m));
    expect(tail.map((s) => s?.action)).toEqual(['renamed', 'settings.changed']);
    expect(tail[0]?.title).toBe('Club 2');

    // The same values again: nothing recorded.
    const lastSeq = res.body.conversation.lastSeq;
    const same = await api<{ conversation: Conversation }>('PATCH', route, alice.token, {
      topic: 'Chess',
      slowModeSeconds: 30,
    });
    expect(same.body.conversation.lastSeq).toBe(lastSeq);
    // Clearing the topic is a change.
    const cleared = await api<{ conversation: Conversation }>('PATCH', route, alice.token, { topic: null });
    expect(cleared.body.conversation).toMatchObject({ topic: null, lastSeq: lastSeq + 1 });

    expect((await api<ErrorBody>('PATCH', route, bob.token, { topic: 'Mine' })).body.error.code).toBe('forbidden');
    expect((await api<ErrorBody>('PATCH', route, alice.token, {})).status).toBe(400);
    const group = await api<{ conversation: Conversation }>('POST', '/v1/conversations', alice.token, {
      title: 'g',
      memberIds: [],
    });
    const groupRoute = `/v1/conversations/${group.body.conversation.id}`;
    expect((await api<ErrorBody>('PATCH', groupRoute, alice.token, { visibility: 'public' })).body.error.code).toBe(
      'invalid_operation',
    );
    expect((await api('PATCH', groupRoute, alice.token, { topic: 'Groups have topics' })).status).toBe(200);
  });

  it('an owner who leaves a channel hands it to the highest-ranked member, in the sequence', async () => {
    const [alice, bob, carol] = await Promise.all([0, 1, 2].map(() => registerUser(t.url)));
    const c = await channel(alice!, { title: 'Handoff', visibility: 'public' }, [bob!, carol!]);
    await api('PATCH', `/v1/conversations/${c.id}/members/${carol!.user.id}`, alice!.token, { role: 'moderator' });
    const leave = await api('POST', `/v1/conversations/${c.id}/leave`, alice!.token);
    expect(leave.status).toBe(204);
    const tail = (await history(bob!.token, c.id)).slice(-2).map((m) => systemOf(m));
    expect(tail).toEqual([
      expect.objectContaining({ action: 'member.left', userIds: [alice!.user.id] }),
      expect.objectContaining({ action: 'member.role', userIds: [carol!.user.id], role: 'owner' }),
    ]);
    const conversation = await api<{ conversation: Conversation }>('GET', `/v1/conversations/${c.id}`, carol!.token);
    expect(conversation.body.conversation.memberCount).toBe(2);
    const members = await api<{ members: Member[] }>('GET', `/v1/conversations/${c.id}/members`, carol!.token);
    expect(members.body.members.find((m) => m.userId === carol!.user.id)?.role).toBe('owner');
  });
});

describe('per-member settings', () => {
  it('the notification level syncs to the member’s other devices, not to other members', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const c = await channel(alice, { title: 'Quiet', visibility: 'private' }, [bob]);
    const phone = await connect(bob);
    const laptop = await connect(bob);
    const aliceWs = await connect(alice);
    const res = await api('PUT', `/v1/conversations/${c.id}/settings`, bob.token, { notifyLevel: 'mentions' });
    expect(res.status).toBe(204);
    for (const device of [phone, laptop]) {
      const event = await device.event('member.updated');
      expect(event.type === 'member.updated' && event.data).toEqual({ conversationId: c.id, notifyLevel: 'mentions' });
    }
    const list = await api<{ conversations: ConversationSummary[] }>('GET', '/v1/conversations', bob.token);
    expect(list.body.conversations.find((s) => s.conversation.id === c.id)?.notifyLevel).toBe('mentions');
    // A ping after the change proves alice's socket saw everything before it: no member.updated.
    await aliceWs.request('ping', {});
    expect(aliceWs.frames.some((f) => f.type === 'member.updated')).toBe(false);
    const outsider = await registerUser(t.url);
    expect(
      (await api<ErrorBody>('PUT', `/v1/conversations/${c.id}/settings`, outsider.token, { notifyLevel: 'muted' })).body
        .error.code,
    ).toBe('not_member');
  });

  it('channel co-members do not see each other’s presence', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    await channel(alice, { title: 'Strangers', visibility: 'public' }, [bob]);
    await connect(bob);
    const res = await api<{ presences: { userId: string; status: string }[] }>(
      'GET',
      `/v1/presence?userIds=${bob.user.id}`,
      alice.token,
    );
    expect(res.body.presences).toEqual([{ userId: bob.user.id, status: 'offline', lastSeenAt: null }]);
    // In a group where bob took part (posted) they would.
    const group = await api<{ conversation: { id: string } }>('POST', '/v1/conversations', alice.token, {
      title: 'g',
      memberIds: [bob.user.id],
    });
    await api('POST', `/v1/conversations/${group.body.conversation.id}/messages`, bob.token, {
      clientId: 'presence-hello',
      content: { type: 'text', text: 'hello' },
    });
    const again = await api<{ presences: { userId: string; status: string }[] }>(
      'GET',
      `/v1/presence?userIds=${bob.user.id}`,
      alice.token,
    );
    expect(again.body.presences[0]?.status).toBe('online');
  });
});

describe('membership rate limit', () => {
  it('refuses a join/leave loop past PARLEY_RATE_MEMBERSHIP_PER_MIN per account, not per address', async () => {
    const limited = await startTestServer({ authAttemptsPerMinute: 1000, membershipChangesPerMinute: 3 });
    try {
      const call = (method: string, route: string, token: string, body?: unknown) =>
        http<ErrorBody>(limited.url, method, route, { token, body });
      const owner = await registerUser(limited.url, 'rl-owner');
      const looper = await registerUser(limited.url, 'rl-looper');
      const other = await registerUser(limited.url, 'rl-other');
      const created = await http<{ conversation: Conversation }>(limited.url, 'POST', '/v1/channels', {
        token: owner.token,
        body: { title: 'Busy', visibility: 'public' },
      });
      const id = created.body.conversation.id;
      // Joins and leaves share one budget per account.
      expect((await call('POST', `/v1/conversations/${id}/join`, looper.token)).status).toBe(200);
      expect((await call('POST', `/v1/conversations/${id}/leave`, looper.token)).status).toBe(204);
      expect((await call('POST', `/v1/conversations/${id}/join`, looper.token)).status).toBe(200);
      // A join while already a member changes nothing and costs nothing.
      expect((await call('POST', `/v1/conversations/${id}/join`, looper.token)).status).toBe(200);
      const refused = await fetch(`${limited.url}/v1/conversations/${id}/leave`, {
        method: 'POST',
        headers: { authorization: `Bearer ${looper.token}` },
      });
      expect(refused.status).toBe(429);
      const body = (await refused.json()) as ErrorBody & { error: { details: { retryAfterMs: number } } };
      expect(body.error.code).toBe('rate_limited');
      expect(body.error.details.retryAfterMs).toBeGreaterThan(50_000);
      expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil(body.error.details.retryAfterMs / 1000));
      // Refused: still a member.
      const members = await call('GET', `/v1/conversations/${id}`, looper.token);
      expect(members.status).toBe(200);
      // Another session of the same account shares the budget...
      const second = await http<{ token: string }>(limited.url, 'POST', '/v1/auth/login', {
        body: { username: looper.user.username, password: 'correct horse battery' },
      });
      expect((await call('POST', `/v1/conversations/${id}/leave`, second.body.token)).status).toBe(429);
      // ...another account from the same address does not.
      expect((await call('POST', `/v1/conversations/${id}/join`, other.token)).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
