/** Direct and group conversations, roles enforced in core, history paging and the conversation list. */
import type { AuthResponse, Conversation, ConversationSummary, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ maxGroupMembers: 5 });
});
afterAll(() => t.stop());

type ErrorBody = { error: { code: string } };
const api = <T>(method: string, route: string, token: string, body?: unknown) =>
  http<T>(t.url, method, route, { token, body });

async function group(owner: AuthResponse, members: AuthResponse[], title = 'Team') {
  const res = await api<{ conversation: Conversation }>('POST', '/v1/conversations', owner.token, {
    title,
    memberIds: members.map((m) => m.user.id),
  });
  expect(res.status).toBe(201);
  return res.body.conversation;
}

async function send(
  token: string,
  conversationId: string,
  text: string,
  clientId = `c${Math.random().toString(36).slice(2)}`,
) {
  return api<{ message: Message }>('POST', `/v1/conversations/${conversationId}/messages`, token, {
    clientId,
    content: { type: 'text', text },
  });
}

describe('direct conversations', () => {
  it('exist exactly once per pair, whoever starts them and however many times', async () => {
    const a = await registerUser(t.url);
    const b = await registerUser(t.url);
    const results = await Promise.all([
      api<{ conversation: Conversation }>('POST', '/v1/conversations/direct', a.token, { userId: b.user.id }),
      api<{ conversation: Conversation }>('POST', '/v1/conversations/direct', b.token, { userId: a.user.id }),
      api<{ conversation: Conversation }>('POST', '/v1/conversations/direct', a.token, { userId: b.user.id }),
    ]);
    const ids = new Set(results.map((r) => r.body.conversation.id));
    expect(ids.size).toBe(1);
    expect(results[0].body.conversation).toMatchObject({ kind: 'direct', title: null });
    expect(results[0].body.conversation.members.map((m) => m.userId).sort()).toEqual([a.user.id, b.user.id].sort());
  });

  it('refuse yourself, unknown users, renames, member changes and leaving', async () => {
    const a = await registerUser(t.url);
    const b = await registerUser(t.url);
    const c = await registerUser(t.url);
    expect(
      (await api<ErrorBody>('POST', '/v1/conversations/direct', a.token, { userId: a.user.id })).body.error.code,
    ).toBe('invalid_operation');
    expect(
      (await api<ErrorBody>('POST', '/v1/conversations/direct', a.token, { userId: 'u_ghost' })).body.error.code,
    ).toBe('not_found');
    const { body } = await api<{ conversation: Conversation }>('POST', '/v1/conversations/direct', a.token, {
      userId: b.user.id,
    });
    const id = body.conversation.id;
    expect((await api<ErrorBody>('PATCH', `/v1/conversations/${id}`, a.token, { title: 'x' })).body.error.code).toBe(
      'invalid_operation',
    );
    expect(
      (await api<ErrorBody>('POST', `/v1/conversations/${id}/members`, a.token, { userIds: [c.user.id] })).body.error
        .code,
    ).toBe('invalid_operation');
    expect((await api<ErrorBody>('POST', `/v1/conversations/${id}/leave`, a.token)).body.error.code).toBe(
      'invalid_operation',
    );
    expect((await api<ErrorBody>('GET', `/v1/conversations/${id}`, c.token)).body.error.code).toBe('not_member');
  });
});

describe('groups and roles', () => {
  it('owner, admin and member each may do exactly what their role allows', async () => {
    const [owner, admin, member, other, outsider] = await Promise.all([0, 1, 2, 3, 4].map(() => registerUser(t.url)));
    const g = await group(owner!, [admin!, member!]);
    const route = `/v1/conversations/${g.id}`;
    expect(g.members.find((m) => m.userId === owner!.user.id)?.role).toBe('owner');

    // Only the owner changes roles.
    expect(
      (await api<ErrorBody>('PATCH', `${route}/members/${admin!.user.id}`, member!.token, { role: 'admin' })).body.error
        .code,
    ).toBe('forbidden');
    expect((await api('PATCH', `${route}/members/${admin!.user.id}`, owner!.token, { role: 'admin' })).status).toBe(
      200,
    );
    expect(
      (await api<ErrorBody>('PATCH', `${route}/members/${owner!.user.id}`, admin!.token, { role: 'member' })).body.error
        .code,
    ).toBe('forbidden'); // only the owner changes roles (the matrix checks the role first)
    expect(
      (await api<ErrorBody>('PATCH', `${route}/members/${admin!.user.id}`, owner!.token, { role: 'owner' })).body.error
        .code,
    ).toBe('invalid_operation');

    // Renaming and adding: admins and owner, not members, not outsiders.
    expect((await api<ErrorBody>('PATCH', route, member!.token, { title: 'Mine' })).body.error.code).toBe('forbidden');
    expect((await api<ErrorBody>('PATCH', route, outsider!.token, { title: 'Mine' })).body.error.code).toBe(
      'not_member',
    );
    expect(
      (await api<{ conversation: Conversation }>('PATCH', route, admin!.token, { title: 'Renamed' })).body.conversation
        .title,
    ).toBe('Renamed');
    expect(
      (await api<ErrorBody>('POST', `${route}/members`, member!.token, { userIds: [other!.user.id] })).body.error.code,
    ).toBe('forbidden');
    const added = await api<{ conversation: Conversation }>('POST', `${route}/members`, admin!.token, {
      userIds: [other!.user.id],
    });
    expect(added.body.conversation.members).toHaveLength(4);

    // Removing: admins remove members, not admins or the owner; members remove nobody.
    expect((await api<ErrorBody>('DELETE', `${route}/members/${other!.user.id}`, member!.token)).body.error.code).toBe(
      'forbidden',
    );
    expect((await api<ErrorBody>('DELETE', `${route}/members/${owner!.user.id}`, admin!.token)).body.error.code).toBe(
      'forbidden',
    );
    expect((await api('DELETE', `${route}/members/${other!.user.id}`, admin!.token)).status).toBe(204);
    expect((await send(other!.token, g.id, 'still here?')).status).toBe(403);

    // The size limit is explicit.
    const many = await Promise.all([0, 1, 2].map(() => registerUser(t.url)));
    const tooMany = await api<ErrorBody>('POST', `${route}/members`, owner!.token, {
      userIds: many.map((u) => u.user.id),
    });
    expect(tooMany.body.error.code).toBe('invalid_operation');

    // Every change is in the history, in order, as system messages.
    const history = await api<{ messages: Message[] }>('GET', `${route}/messages`, member!.token);
    const actions = history.body.messages.map((m) => (m.content.type === 'system' ? m.content.action : 'text'));
    expect(actions).toEqual(['created', 'member.role', 'renamed', 'member.added', 'member.removed']);
    expect(history.body.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('an owner who leaves hands ownership to the longest-standing admin', async () => {
    const [owner, a, b] = await Promise.all([0, 1, 2].map(() => registerUser(t.url)));
    const g = await group(owner!, [a!, b!]);
    await api('PATCH', `/v1/conversations/${g.id}/members/${b!.user.id}`, owner!.token, { role: 'admin' });
    expect((await api('POST', `/v1/conversations/${g.id}/leave`, owner!.token)).status).toBe(204);
    const after = await api<{ conversation: Conversation }>('GET', `/v1/conversations/${g.id}`, a!.token);
    expect(after.body.conversation.members.find((m) => m.userId === b!.user.id)?.role).toBe('owner');
    expect(after.body.conversation.members.some((m) => m.userId === owner!.user.id)).toBe(false);
    expect((await api<ErrorBody>('GET', `/v1/conversations/${g.id}`, owner!.token)).body.error.code).toBe('not_member');
  });

  it('refuses unknown members at creation', async () => {
    const a = await registerUser(t.url);
    const res = await api<{ error: { code: string; details: { userIds: string[] } } }>(
      'POST',
      '/v1/conversations',
      a.token,
      {
        title: 'x',
        memberIds: ['u_ghost'],
      },
    );
    expect(res.body.error).toMatchObject({ code: 'not_found', details: { userIds: ['u_ghost'] } });
  });
});

describe('history and the conversation list', () => {
  it('pages backwards and forwards by seq', async () => {
    const [a, b] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const { body } = await api<{ conversation: Conversation }>('POST', '/v1/conversations/direct', a.token, {
      userId: b.user.id,
    });
    const id = body.conversation.id;
    for (let i = 1; i <= 25; i++) await send(i % 2 ? a.token : b.token, id, `m${i}`);
    const route = `/v1/conversations/${id}/messages`;
    const latest = await api<{ messages: Message[]; hasMore: boolean }>('GET', `${route}?limit=10`, a.token);
    expect(latest.body.messages.map((m) => m.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(latest.body.hasMore).toBe(true);
    const older = await api<{ messages: Message[]; hasMore: boolean }>('GET', `${route}?limit=10&before=16`, a.token);
    expect(older.body.messages.map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const oldest = await api<{ messages: Message[]; hasMore: boolean }>('GET', `${route}?limit=10&before=6`, a.token);
    expect(oldest.body.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(oldest.body.hasMore).toBe(false);
    const forward = await api<{ messages: Message[]; hasMore: boolean }>('GET', `${route}?after=20&limit=3`, a.token);
    expect(forward.body.messages.map((m) => m.seq)).toEqual([21, 22, 23]);
    expect(forward.body.hasMore).toBe(true);
    const end = await api<{ messages: Message[]; hasMore: boolean }>('GET', `${route}?after=23`, a.token);
    expect([end.body.messages.length, end.body.hasMore]).toEqual([2, false]);
    expect((await api<ErrorBody>('GET', `${route}?after=1&before=5`, a.token)).body.error.code).toBe('bad_request');
    expect((await api<ErrorBody>('GET', `${route}?limit=abc`, a.token)).body.error.code).toBe('bad_request');
  });

  it('orders conversations by activity with last message and unread count', async () => {
    const [me, x, y] = await Promise.all([0, 1, 2].map(() => registerUser(t.url)));
    const dx = (
      await api<{ conversation: Conversation }>('POST', '/v1/conversations/direct', me!.token, { userId: x!.user.id })
    ).body.conversation;
    const dy = (
      await api<{ conversation: Conversation }>('POST', '/v1/conversations/direct', me!.token, { userId: y!.user.id })
    ).body.conversation;
    await send(x!.token, dx.id, 'from x 1');
    await send(x!.token, dx.id, 'from x 2');
    await new Promise((r) => setTimeout(r, 5));
    await send(y!.token, dy.id, 'from y');
    await send(me!.token, dy.id, 'my reply');
    let list = (await api<{ conversations: ConversationSummary[] }>('GET', '/v1/conversations', me!.token)).body
      .conversations;
    expect(list.map((s) => s.conversation.id)).toEqual([dy.id, dx.id]);
    expect(list[0]).toMatchObject({ unreadCount: 1 });
    expect(list[0]!.lastMessage?.content).toEqual({ type: 'text', text: 'my reply' });
    expect(list[1]).toMatchObject({ unreadCount: 2 });

    await new Promise((r) => setTimeout(r, 5));
    await send(x!.token, dx.id, 'from x 3');
    list = (await api<{ conversations: ConversationSummary[] }>('GET', '/v1/conversations', me!.token)).body
      .conversations;
    expect(list.map((s) => s.conversation.id)).toEqual([dx.id, dy.id]);
    expect(list[0]).toMatchObject({ unreadCount: 3 });
  });
});
