/**
 * Moderation over real HTTP and WebSocket: kick, ban with expiry (on the server's
 * clock, which the test moves), mute, slow mode, reports reaching moderators live, and
 * invite links (preview, expiry, revocation, use count under concurrent accepts).
 */
import type { AuthResponse, Ban, Conversation, Invite, Message, Report } from '@parley/protocol';
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

async function users(count: number): Promise<AuthResponse[]> {
  return Promise.all(Array.from({ length: count }, () => registerUser(t.url)));
}

/** A public channel owned by `owner` with `members`; `roles` promotes some of them. */
async function channel(
  owner: AuthResponse,
  members: AuthResponse[],
  roles: Record<string, 'admin' | 'moderator' | 'readonly'> = {},
): Promise<Conversation> {
  const res = await api<{ conversation: Conversation }>('POST', '/v1/channels', owner.token, {
    title: 'Moderated',
    visibility: 'public',
    memberIds: members.map((m) => m.user.id),
  });
  expect(res.status).toBe(201);
  for (const [userId, role] of Object.entries(roles)) {
    const set = await api('PATCH', `/v1/conversations/${res.body.conversation.id}/members/${userId}`, owner.token, {
      role,
    });
    expect(set.status).toBe(200);
  }
  return res.body.conversation;
}

function send(token: string, conversationId: string, text: string) {
  return api<{ message: Message } & ErrorBody>('POST', `/v1/conversations/${conversationId}/messages`, token, {
    clientId: `c${Math.random().toString(36).slice(2)}`,
    content: { type: 'text', text },
  });
}

async function lastSystem(token: string, conversationId: string) {
  const res = await api<{ messages: Message[] }>('GET', `/v1/conversations/${conversationId}/messages`, token);
  const content = res.body.messages.at(-1)?.content;
  return content?.type === 'system' ? content : undefined;
}

describe('kick', () => {
  it('moderators remove members they outrank; the kicked may come back', async () => {
    const [owner, admin, mod, bob] = await users(4);
    const c = await channel(owner!, [admin!, mod!, bob!], { [admin!.user.id]: 'admin', [mod!.user.id]: 'moderator' });
    const bobWs = await connect(bob!);
    const kick = (actor: AuthResponse, target: AuthResponse) =>
      api<ErrorBody>('DELETE', `/v1/conversations/${c.id}/members/${target.user.id}`, actor.token);
    expect((await kick(bob!, mod!)).body.error.code).toBe('forbidden');
    expect((await kick(mod!, admin!)).body.error.code).toBe('forbidden');
    expect((await kick(mod!, mod!)).body.error.code).toBe('invalid_operation');
    expect((await kick(mod!, bob!)).status).toBe(204);
    const removed = await bobWs.event('conversation.removed');
    expect(removed.type === 'conversation.removed' && removed.data.conversationId).toBe(c.id);
    expect(await lastSystem(owner!.token, c.id)).toMatchObject({ action: 'member.removed', userIds: [bob!.user.id] });
    expect((await kick(mod!, bob!)).body.error.code).toBe('not_found');
    expect((await api('POST', `/v1/conversations/${c.id}/join`, bob!.token)).status).toBe(200);
  });
});

describe('ban', () => {
  it('removes the member and refuses them everywhere until the ban expires', async () => {
    const [owner, bob] = await users(2);
    const c = await channel(owner!, [bob!]);
    const bobWs = await connect(bob!);
    const invite = await api<{ invite: Invite }>('POST', `/v1/conversations/${c.id}/invites`, owner!.token, {});

    const ban = await api('POST', `/v1/conversations/${c.id}/bans`, owner!.token, {
      userId: bob!.user.id,
      durationSeconds: 3600,
      reason: 'spam',
    });
    expect(ban.status).toBe(204);
    await bobWs.event('conversation.removed');
    const recorded = await lastSystem(owner!.token, c.id);
    expect(recorded).toMatchObject({ action: 'member.banned', userIds: [bob!.user.id] });
    const expiresAt = recorded?.until;
    expect(typeof expiresAt).toBe('number');

    const bans = await api<{ bans: Ban[] }>('GET', `/v1/conversations/${c.id}/bans`, owner!.token);
    expect(bans.body.bans).toEqual([
      expect.objectContaining({ userId: bob!.user.id, bannedBy: owner!.user.id, reason: 'spam', expiresAt }),
    ]);
    expect((await api<ErrorBody>('GET', `/v1/conversations/${c.id}/bans`, bob!.token)).body.error.code).toBe('banned');

    const refusals = [
      await api<ErrorBody>('GET', `/v1/conversations/${c.id}`, bob!.token),
      await api<ErrorBody>('GET', `/v1/conversations/${c.id}/messages`, bob!.token),
      await send(bob!.token, c.id, 'let me in'),
      await api<ErrorBody>('POST', `/v1/conversations/${c.id}/join`, bob!.token),
      await api<ErrorBody>('POST', `/v1/invites/${invite.body.invite.code}/accept`, bob!.token),
    ];
    for (const refusal of refusals) {
      expect([refusal.status, refusal.body.error.code, refusal.body.error.details?.expiresAt]).toEqual([
        403,
        'banned',
        expiresAt,
      ]);
    }
    const add = await api<ErrorBody>('POST', `/v1/conversations/${c.id}/members`, owner!.token, {
      userIds: [bob!.user.id],
    });
    expect([add.body.error.code, add.body.error.details]).toEqual(['banned', { userId: bob!.user.id, expiresAt }]);
    // The refused accept used nothing up.
    const invites = await api<{ invites: Invite[] }>('GET', `/v1/conversations/${c.id}/invites`, owner!.token);
    expect(invites.body.invites[0]?.uses).toBe(0);

    // An hour later the ban is over: bob may join again.
    t.clock.advance(3600 * 1000);
    expect((await api<{ bans: Ban[] }>('GET', `/v1/conversations/${c.id}/bans`, owner!.token)).body.bans).toEqual([]);
    expect((await api('POST', `/v1/conversations/${c.id}/join`, bob!.token)).status).toBe(200);
  });

  it('bans outsiders too, until lifted; only those who outrank the target ban', async () => {
    const [owner, mod, admin, outsider] = await users(4);
    const c = await channel(owner!, [mod!, admin!], { [mod!.user.id]: 'moderator', [admin!.user.id]: 'admin' });
    const route = `/v1/conversations/${c.id}/bans`;
    expect((await api<ErrorBody>('POST', route, mod!.token, { userId: admin!.user.id })).body.error.code).toBe(
      'forbidden',
    );
    expect((await api('POST', route, mod!.token, { userId: outsider!.user.id })).status).toBe(204);
    expect(await lastSystem(owner!.token, c.id)).toMatchObject({ action: 'member.banned', until: null });
    const join = await api<ErrorBody>('POST', `/v1/conversations/${c.id}/join`, outsider!.token);
    expect([join.body.error.code, join.body.error.details?.expiresAt]).toEqual(['banned', null]);
    expect((await api('POST', route, mod!.token, { userId: 'u_nobody' })).status).toBe(404);

    expect((await api('DELETE', `${route}/${outsider!.user.id}`, mod!.token)).status).toBe(204);
    expect(await lastSystem(owner!.token, c.id)).toMatchObject({ action: 'member.unbanned' });
    expect((await api('DELETE', `${route}/${outsider!.user.id}`, mod!.token)).status).toBe(404);
    expect((await api('POST', `/v1/conversations/${c.id}/join`, outsider!.token)).status).toBe(200);
  });
});

describe('mute', () => {
  it('a muted member reads but cannot post until the mute ends or is lifted', async () => {
    const [owner, mod, bob] = await users(3);
    const c = await channel(owner!, [mod!, bob!], { [mod!.user.id]: 'moderator' });
    const bobWs = await connect(bob!);
    const route = `/v1/conversations/${c.id}/mutes`;
    expect(
      (await api<ErrorBody>('POST', route, bob!.token, { userId: mod!.user.id, durationSeconds: 60 })).status,
    ).toBe(403);
    expect((await api('POST', route, mod!.token, { userId: bob!.user.id, durationSeconds: 120 })).status).toBe(204);
    const muted = await bobWs.next(
      (f) =>
        f.type === 'message.new' &&
        f.data.message.content.type === 'system' &&
        f.data.message.content.action === 'member.muted',
    );
    const until =
      muted.type === 'message.new' && muted.data.message.content.type === 'system' && muted.data.message.content.until;
    expect(typeof until).toBe('number');

    const refused = await send(bob!.token, c.id, 'hello?');
    expect([refused.status, refused.body.error.code, refused.body.error.details?.mutedUntil]).toEqual([
      403,
      'muted',
      until,
    ]);
    // Still reads.
    expect((await api('GET', `/v1/conversations/${c.id}/messages`, bob!.token)).status).toBe(200);

    t.clock.advance(120 * 1000);
    expect((await send(bob!.token, c.id, 'back')).status).toBe(200);

    // Muted again, then lifted early.
    await api('POST', route, mod!.token, { userId: bob!.user.id, durationSeconds: 600 });
    expect((await send(bob!.token, c.id, 'no')).body.error.code).toBe('muted');
    expect((await api('DELETE', `${route}/${bob!.user.id}`, mod!.token)).status).toBe(204);
    expect(await lastSystem(owner!.token, c.id)).toMatchObject({ action: 'member.unmuted', userIds: [bob!.user.id] });
    expect((await send(bob!.token, c.id, 'yes')).status).toBe(200);
  });
});

describe('slow mode', () => {
  it('members wait between posts; moderators do not', async () => {
    const [owner, mod, bob] = await users(3);
    const c = await channel(owner!, [mod!, bob!], { [mod!.user.id]: 'moderator' });
    await api('PATCH', `/v1/conversations/${c.id}`, owner!.token, { slowModeSeconds: 30 });
    expect((await send(bob!.token, c.id, 'one')).status).toBe(200);
    const second = await send(bob!.token, c.id, 'two');
    expect([second.status, second.body.error.code]).toEqual([429, 'slow_mode']);
    const retry = second.body.error.details?.retryAfterMs;
    expect(typeof retry === 'number' && retry > 0 && retry <= 30_000).toBe(true);
    expect((await send(mod!.token, c.id, 'mod one')).status).toBe(200);
    expect((await send(mod!.token, c.id, 'mod two')).status).toBe(200);
    t.clock.advance(30 * 1000);
    expect((await send(bob!.token, c.id, 'two, later')).status).toBe(200);
  });
});

describe('reports', () => {
  it('reach the moderators, admins and owner live; members cannot list them', async () => {
    const [owner, mod, bob, carol] = await users(4);
    const c = await channel(owner!, [mod!, bob!, carol!], { [mod!.user.id]: 'moderator' });
    const [ownerWs, modWs, carolWs] = await Promise.all([connect(owner!), connect(mod!), connect(carol!)]);
    const rude = await send(carol!.token, c.id, 'something rude');
    const res = await api<{ report: Report }>('POST', `/v1/conversations/${c.id}/reports`, bob!.token, {
      messageId: rude.body.message.id,
      reason: 'rude',
    });
    expect(res.status).toBe(201);
    expect(res.body.report).toMatchObject({
      conversationId: c.id,
      messageId: rude.body.message.id,
      reporterId: bob!.user.id,
      reason: 'rude',
      resolvedAt: null,
      message: expect.objectContaining({ id: rude.body.message.id }),
    });
    for (const ws of [ownerWs, modWs]) {
      const event = await ws.event('report.new');
      expect(event.type === 'report.new' && event.data.report.id).toBe(res.body.report.id);
    }
    await carolWs.request('ping', {});
    expect(carolWs.frames.some((f) => f.type === 'report.new')).toBe(false);

    // A repeat is the same report, announced once.
    const repeat = await api<{ report: Report }>('POST', `/v1/conversations/${c.id}/reports`, bob!.token, {
      messageId: rude.body.message.id,
      reason: 'very rude',
    });
    expect(repeat.body.report.id).toBe(res.body.report.id);

    const route = `/v1/conversations/${c.id}/reports`;
    expect((await api<ErrorBody>('GET', route, bob!.token)).body.error.code).toBe('forbidden');
    expect((await api<{ reports: Report[] }>('GET', route, mod!.token)).body.reports.map((r) => r.id)).toEqual([
      res.body.report.id,
    ]);
    const resolved = await api<{ report: Report }>('POST', `${route}/${res.body.report.id}/resolve`, mod!.token);
    expect(resolved.body.report).toMatchObject({ resolvedBy: mod!.user.id });
    expect((await api<{ reports: Report[] }>('GET', route, mod!.token)).body.reports).toEqual([]);
    expect((await api<{ reports: Report[] }>('GET', `${route}?state=all`, mod!.token)).body.reports).toHaveLength(1);

    // A message of another conversation cannot be reported here.
    const other = await channel(carol!, [bob!]);
    const elsewhere = await send(carol!.token, other.id, 'elsewhere');
    expect(
      (await api<ErrorBody>('POST', route, bob!.token, { messageId: elsewhere.body.message.id, reason: 'x' })).status,
    ).toBe(404);
  });
});

describe('invites', () => {
  it('lead into a private channel until they expire or are revoked', async () => {
    const [owner, member, guest, late] = await users(4);
    const res = await api<{ conversation: Conversation }>('POST', '/v1/channels', owner!.token, {
      title: 'Inner circle',
      visibility: 'private',
      memberIds: [member!.user.id],
    });
    const c = res.body.conversation;
    const route = `/v1/conversations/${c.id}/invites`;
    expect((await api<ErrorBody>('POST', route, member!.token, {})).body.error.code).toBe('forbidden');
    const created = await api<{ invite: Invite }>('POST', route, owner!.token, { expiresInSeconds: 600 });
    expect(created.status).toBe(201);
    const { code } = created.body.invite;
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const preview = await api<{ channel: { id: string; title: string; memberCount: number; joined: boolean } }>(
      'GET',
      `/v1/invites/${code}`,
      guest!.token,
    );
    expect(preview.body).toMatchObject({
      kind: 'channel',
      channel: { id: c.id, title: 'Inner circle', memberCount: 2, joined: false },
    });
    const accepted = await api<{ conversation: Conversation }>('POST', `/v1/invites/${code}/accept`, guest!.token);
    expect(accepted.body.conversation).toMatchObject({ id: c.id, memberCount: 3 });
    expect(await lastSystem(owner!.token, c.id)).toMatchObject({ action: 'member.joined', userIds: [guest!.user.id] });
    // Accepting again as a member uses nothing.
    await api('POST', `/v1/invites/${code}/accept`, guest!.token);
    expect((await api<{ invites: Invite[] }>('GET', route, owner!.token)).body.invites[0]?.uses).toBe(1);

    t.clock.advance(600 * 1000);
    const expired = await api<ErrorBody>('POST', `/v1/invites/${code}/accept`, late!.token);
    expect([expired.status, expired.body.error.code, expired.body.error.details]).toEqual([
      404,
      'invite_invalid',
      { reason: 'expired' },
    ]);

    const other = await api<{ invite: Invite }>('POST', route, owner!.token, {});
    expect((await api('DELETE', `${route}/${other.body.invite.code}`, owner!.token)).status).toBe(204);
    const revoked = await api<ErrorBody>('GET', `/v1/invites/${other.body.invite.code}`, late!.token);
    expect(revoked.body.error.details).toEqual({ reason: 'revoked' });
    const unknown = await api<ErrorBody>('POST', '/v1/invites/nope/accept', late!.token);
    expect([unknown.body.error.code, unknown.body.error.details]).toEqual(['invite_invalid', { reason: 'unknown' }]);
  });

  it('never admits more than maxUses, however many accept at once', async () => {
    const [owner, ...guests] = await users(9);
    const c = await channel(owner!, []);
    const created = await api<{ invite: Invite }>('POST', `/v1/conversations/${c.id}/invites`, owner!.token, {
      maxUses: 3,
    });
    const { code } = created.body.invite;
    const results = await Promise.all(
      guests.map((guest) => api<ErrorBody>('POST', `/v1/invites/${code}/accept`, guest.token)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.map((r) => [r.body.error.code, r.body.error.details?.reason])).toEqual(
      Array.from({ length: 5 }, () => ['invite_invalid', 'used_up']),
    );
    const after = await api<{ conversation: Conversation }>('GET', `/v1/conversations/${c.id}`, owner!.token);
    expect(after.body.conversation.memberCount).toBe(4);
    const invites = await api<{ invites: Invite[] }>('GET', `/v1/conversations/${c.id}/invites`, owner!.token);
    expect(invites.body.invites[0]).toMatchObject({ uses: 3, maxUses: 3 });
  });
});
