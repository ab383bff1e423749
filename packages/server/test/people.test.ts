/**
 * Finding people and owning your account (issue 13), over real HTTP: the user directory
 * (prefix of username, display name or one of its words; paging; limits; blocked people
 * both ways and deleted accounts never found; the PARLEY_USER_DIRECTORY scopes; the
 * per-account budget), the avatar upload (made a small WebP square, public, seen by
 * others) and account deletion (password confirmed; logged out; unfindable; the name
 * stays taken).
 */
import type { AuthResponse, Conversation, Message, User, UserSearchResponse } from '@parley/protocol';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestServer, type TestServer } from './harness';

type Answer<T> = { status: number; body: T & { error?: { code: string } } };

let t: TestServer;
const stops: (() => Promise<void>)[] = [];
beforeAll(async () => {
  t = await startTestServer({ authAttemptsPerMinute: 1000, userSearchesPerMinute: 30 });
  stops.push(() => t.stop());
});
afterAll(async () => {
  for (const stop of stops) await stop();
});

const tag = Math.random().toString(36).slice(2, 6);
let n = 0;
async function person(server: TestServer, name: string, displayName: string): Promise<AuthResponse> {
  const username = `${name}${tag}${++n}`;
  const { status, body } = await http<AuthResponse>(server.url, 'POST', '/v1/auth/register', {
    body: { username, password: 'correct horse battery', displayName },
  });
  if (status !== 201) throw new Error(`register ${status} ${JSON.stringify(body)}`);
  return body;
}
const call = <T>(server: TestServer, who: AuthResponse, method: string, route: string, body?: unknown) =>
  http<T>(server.url, method, route, { token: who.token, ...(body === undefined ? {} : { body }) }) as Promise<
    Answer<T>
  >;
const search = (server: TestServer, who: AuthResponse, query: string) =>
  call<UserSearchResponse>(server, who, 'GET', `/v1/users/search?${query}`);
const names = (users: User[]) => users.map((u) => u.username);

describe('the user directory', () => {
  it('finds people by username prefix and by a word of their display name, never the searcher', async () => {
    const alice = await person(t, 'walice', 'Alice Liddell');
    const bob = await person(t, 'wbob', 'Robert Liddington');
    const carol = await person(t, 'wcarol', 'Carol');
    const byName = await search(t, alice, `q=${encodeURIComponent('liDD')}`);
    expect(byName.status).toBe(200);
    expect(names(byName.body.users)).toEqual([bob.user.username]);
    const byUsername = await search(t, bob, `q=${encodeURIComponent(`@wcarol${tag}`)}`);
    expect(names(byUsername.body.users)).toEqual([carol.user.username]);
    // A LIKE wildcard is a character like any other.
    expect((await search(t, alice, 'q=%25')).body.users).toEqual([]);
  });

  it('pages by cursor under the limit asked for', async () => {
    const me = await person(t, 'pager', 'Pager');
    const many = [];
    for (let i = 0; i < 5; i++) many.push(await person(t, `zpage`, `Page Person ${i}`));
    const q = `q=zpage${tag}`;
    const first = await search(t, me, `${q}&limit=2`);
    const second = await search(t, me, `${q}&limit=2&cursor=${first.body.nextCursor}`);
    const third = await search(t, me, `${q}&limit=2&cursor=${second.body.nextCursor}`);
    expect(first.body.users).toHaveLength(2);
    expect(second.body.users).toHaveLength(2);
    expect(third.body.users).toHaveLength(1);
    expect(third.body.nextCursor).toBeNull();
    const all = [...first.body.users, ...second.body.users, ...third.body.users];
    expect(names(all)).toEqual(names(many.map((m) => m.user)).sort());
  });

  it('refuses bad input with bad_request', async () => {
    const me = await person(t, 'badin', 'Bad Input');
    for (const query of ['q=', 'q=%20%20', 'q=a&limit=0', 'q=a&limit=51', 'q=a&cursor=NOT%20A%20NAME']) {
      const answer = await search(t, me, query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error?.code, query).toBe('bad_request');
    }
    expect((await http(t.url, 'GET', '/v1/users/search?q=a')).status).toBe(401);
  });

  it('never finds people blocked either way', async () => {
    const blocker = await person(t, 'xblocker', 'Xavier Block');
    const blocked = await person(t, 'xblocked', 'Xena Blocked');
    const bystander = await person(t, 'xby', 'Xerxes');
    expect((await call(t, blocker, 'PUT', `/v1/blocks/${blocked.user.id}`)).status).toBe(204);
    const q = `q=x`;
    const seenByBlocker = names((await search(t, blocker, `${q}&limit=50`)).body.users);
    const seenByBlocked = names((await search(t, blocked, `${q}&limit=50`)).body.users);
    expect(seenByBlocker).not.toContain(blocked.user.username);
    expect(seenByBlocked).not.toContain(blocker.user.username);
    expect(seenByBlocker).toContain(bystander.user.username);
    // Not even by the exact username.
    expect((await search(t, blocked, `q=${blocker.user.username}`)).body.users).toEqual([]);
  });

  it('counts searches against each account and refuses past the budget', async () => {
    const busy = await person(t, 'busy', 'Busy');
    const calm = await person(t, 'calm', 'Calm');
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await search(t, busy, 'q=b')).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    const refused = await search(t, busy, 'q=b');
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('rate_limited');
    expect((await search(t, calm, 'q=b')).status).toBe(200);
  });

  it('finds only people who share a conversation, or an exact username, when the server says so', async () => {
    const shared = await startTestServer({ userDirectory: 'shared', authAttemptsPerMinute: 1000 });
    const exact = await startTestServer({ userDirectory: 'exact', authAttemptsPerMinute: 1000 });
    stops.push(
      () => shared.stop(),
      () => exact.stop(),
    );
    const me = await person(shared, 'sme', 'Searcher');
    const partner = await person(shared, 'spartner', 'Sam Partner');
    const stranger = await person(shared, 'sstranger', 'Sam Stranger');
    expect((await call(shared, me, 'POST', '/v1/conversations/direct', { userId: partner.user.id })).status).toBe(200);
    expect(names((await search(shared, me, 'q=sam')).body.users)).toEqual([partner.user.username]);
    // The exact username still finds a stranger.
    expect(names((await search(shared, me, `q=${stranger.user.username}`)).body.users)).toEqual([
      stranger.user.username,
    ]);

    const e1 = await person(exact, 'eone', 'Eve One');
    const e2 = await person(exact, 'etwo', 'Eve Two');
    expect((await search(exact, e1, 'q=eve')).body.users).toEqual([]);
    expect((await search(exact, e1, `q=etwo${tag}`)).body.users).toEqual([]);
    expect(names((await search(exact, e1, `q=${e2.user.username}`)).body.users)).toEqual([e2.user.username]);
  });
});

describe('your profile picture', () => {
  it('is made a 256 px WebP square from an uploaded image, and others see it', async () => {
    const me = await person(t, 'avatar', 'Ava');
    const other = await person(t, 'viewer', 'Viewer');
    const png = await sharp({ create: { width: 640, height: 320, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
    const response = await fetch(`${t.url}/v1/me/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${me.token}`, 'content-type': 'image/png' },
      body: png,
    });
    expect(response.status).toBe(200);
    const { user } = (await response.json()) as { user: User };
    expect(user.avatarUrl).toMatch(/\/v1\/avatars\/[^/]+\/[0-9a-f]{40}\.webp$/);
    const seen = await call<{ user: User }>(t, other, 'GET', `/v1/users/${me.user.id}`);
    expect(seen.body.user.avatarUrl).toBe(user.avatarUrl);
    const image = await fetch(user.avatarUrl ?? '');
    expect(image.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([256, 256]);

    const notImage = await fetch(`${t.url}/v1/me/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${me.token}`, 'content-type': 'image/png' },
      body: Buffer.from('not an image at all'),
    });
    expect(notImage.status).toBe(415);
  });
});

describe('a group’s picture', () => {
  it('is set by its owner from an image, refused to a member, and removed with PATCH', async () => {
    const owner = await person(t, 'gowner', 'Owner');
    const member = await person(t, 'gmember', 'Member');
    const created = await call<{ conversation: Conversation }>(t, owner, 'POST', '/v1/conversations', {
      title: 'Pictures',
      memberIds: [member.user.id],
    });
    const id = created.body.conversation.id;
    expect(created.body.conversation.avatarUrl).toBeNull();
    const png = await sharp({ create: { width: 300, height: 500, channels: 4, background: '#22aa66ff' } })
      .png()
      .toBuffer();
    const put = (who: AuthResponse) =>
      fetch(`${t.url}/v1/conversations/${id}/avatar`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${who.token}`, 'content-type': 'image/png' },
        body: png,
      });
    const refused = await put(member);
    expect(refused.status).toBe(403);
    const answer = await put(owner);
    expect(answer.status).toBe(200);
    const { conversation } = (await answer.json()) as { conversation: Conversation };
    expect(conversation.avatarUrl).toMatch(new RegExp(`/v1/avatars/${id}/[0-9a-f]{40}\\.webp$`));
    // The members see it, with a settings.changed line that names the new picture.
    const seen = await call<{ conversation: Conversation }>(t, member, 'GET', `/v1/conversations/${id}`);
    expect(seen.body.conversation.avatarUrl).toBe(conversation.avatarUrl);
    const history = await call<{ messages: Message[] }>(t, member, 'GET', `/v1/conversations/${id}/messages`);
    const last = history.body.messages.at(-1)?.content;
    expect(last).toMatchObject({
      type: 'system',
      action: 'settings.changed',
      settings: { avatarUrl: conversation.avatarUrl },
    });
    const image = await fetch(conversation.avatarUrl ?? '');
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBe(256);

    const cleared = await call<{ conversation: Conversation }>(t, owner, 'PATCH', `/v1/conversations/${id}`, {
      avatarUrl: null,
    });
    expect(cleared.body.conversation.avatarUrl).toBeNull();
  });
});

describe('deleting your account', () => {
  it('needs the password, logs every device out, and leaves an unfindable "Deleted account"', async () => {
    const leaving = await person(t, 'leaving', 'Leaving Soon');
    const friend = await person(t, 'friend', 'Friend');
    expect((await call(t, friend, 'POST', '/v1/conversations/direct', { userId: leaving.user.id })).status).toBe(200);
    const wrong = await call(t, leaving, 'DELETE', '/v1/me', { password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.code).toBe('invalid_credentials');
    expect((await call(t, leaving, 'DELETE', '/v1/me', { password: 'correct horse battery' })).status).toBe(204);

    expect((await call(t, leaving, 'GET', '/v1/me')).status).toBe(401);
    const login = await http(t.url, 'POST', '/v1/auth/login', {
      body: { username: leaving.user.username, password: 'correct horse battery' },
    });
    expect(login.status).toBe(401);
    const profile = await call<{ user: User }>(t, friend, 'GET', `/v1/users/${leaving.user.id}`);
    expect(profile.body.user.displayName).toBe('Deleted account');
    expect((await search(t, friend, `q=${leaving.user.username}`)).body.users).toEqual([]);
    expect(
      (await call<{ users: User[] }>(t, friend, 'GET', `/v1/users?username=${leaving.user.username}`)).body.users,
    ).toEqual([]);
    // Nobody can start a chat with it or add it to a group any more.
    expect((await call(t, friend, 'POST', '/v1/conversations/direct', { userId: leaving.user.id })).status).toBe(404);
    const group = await call(t, friend, 'POST', '/v1/conversations', { title: 'g', memberIds: [leaving.user.id] });
    expect(group.status).toBe(404);
    const again = await http(t.url, 'POST', '/v1/auth/register', {
      body: { username: leaving.user.username, password: 'correct horse battery' },
    });
    expect(again.status).toBe(409);
  });
});
