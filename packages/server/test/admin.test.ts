/**
 * Server administration over HTTP (issue 19): the first account of a fresh server
 * becomes its admin; every `/v1/admin` route tried with no token, as a plain user,
 * as a moderator of a channel (a conversation role gives no server rights) and as
 * an admin; deactivation closes every way in (HTTP login, WebSocket token, XMPP
 * SASL) and revokes the sessions; the last admin cannot be removed; the setting
 * that requires 2FA for admins.
 */
import type { AuthResponse } from '@parley/protocol';
import { AdminHttpClient, createNodeClient, ParleyError, secondFactorChallenge } from '@parley/sdk/node';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, RawClient, registerUser, startTestServer, type TestServer } from './harness';
import { rawPlainLogin } from './xmpp-raw-login';

let t: TestServer;
let admin: AuthResponse;
let plain: AuthResponse;
let moderator: AuthResponse;
const PASSWORD = 'correct horse battery';

const code = (res: { status: number; body: unknown }): string =>
  res.status < 300
    ? 'ok'
    : ((res.body as { error?: { code: string } } | undefined)?.error?.code ?? `http_${res.status}`);

beforeAll(async () => {
  t = await startTestServer({ xmppPort: 0, authAttemptsPerMinute: 10_000 });
  const before = await http<{ hasAccounts: boolean }>(t.url, 'GET', '/v1/server');
  expect(before.body.hasAccounts).toBe(false);
  admin = await registerUser(t.url, 'admin');
  plain = await registerUser(t.url, 'plain');
  moderator = await registerUser(t.url, 'mod');
  const channel = await http<{ conversation: { id: string } }>(t.url, 'POST', '/v1/channels', {
    token: admin.token,
    body: { title: 'Lobby', visibility: 'public' },
  });
  const id = channel.body.conversation.id;
  expect(
    code(
      await http(t.url, 'POST', `/v1/conversations/${id}/members`, {
        token: admin.token,
        body: { userIds: [moderator.user.id] },
      }),
    ),
  ).toBe('ok');
  expect(
    code(
      await http(t.url, 'PATCH', `/v1/conversations/${id}/members/${moderator.user.id}`, {
        token: admin.token,
        body: { role: 'moderator' },
      }),
    ),
  ).toBe('ok');
}, 30_000);

afterAll(async () => {
  await t.stop();
});

describe('the admin role', () => {
  it('goes to the first account only, and GET /v1/server says who is admin', async () => {
    const info = async (token?: string) =>
      (
        await http<{ hasAccounts: boolean; viewer?: { isAdmin: boolean } }>(
          t.url,
          'GET',
          '/v1/server',
          token ? { token } : {},
        )
      ).body;
    expect((await info()).hasAccounts).toBe(true);
    expect((await info()).viewer).toBeUndefined();
    expect((await info(admin.token)).viewer?.isAdmin).toBe(true);
    expect((await info(plain.token)).viewer?.isAdmin).toBe(false);
    expect((await info(moderator.token)).viewer?.isAdmin).toBe(false);
  });
});

type Route = {
  name: string;
  method: string;
  path: (target: string) => string;
  body?: unknown;
  undo?: (target: string) => Promise<unknown>;
  /** What the admin gets when not `ok` (past authorization: the target does not exist). */
  admin?: string;
};
// prettier-ignore
const ROUTES: Route[] = [
  { name: 'list users', method: 'GET', path: () => '/v1/admin/users?q=a&limit=5' },
  { name: 'create user', method: 'POST', path: () => '/v1/admin/users', body: 'new-user' },
  { name: 'get user', method: 'GET', path: (id) => `/v1/admin/users/${id}` },
  { name: 'deactivate', method: 'POST', path: (id) => `/v1/admin/users/${id}/deactivate` },
  { name: 'reactivate', method: 'POST', path: (id) => `/v1/admin/users/${id}/reactivate` },
  { name: 'reset password', method: 'POST', path: (id) => `/v1/admin/users/${id}/password`, body: { newPassword: 'another good password' } },
  { name: 'log out everywhere', method: 'POST', path: (id) => `/v1/admin/users/${id}/logout` },
  { name: 'make admin', method: 'PUT', path: (id) => `/v1/admin/users/${id}/admin`, body: { isAdmin: true }, undo: (id) => t.server.services.admin.asCli().setAdmin(id, false) },
  { name: 'revoke admin', method: 'PUT', path: (id) => `/v1/admin/users/${id}/admin`, body: { isAdmin: false } },
  { name: 'reset 2fa', method: 'DELETE', path: (id) => `/v1/admin/users/${id}/2fa` },
  { name: 'delete user with content', method: 'DELETE', path: (id) => `/v1/admin/users/${id}`, body: { withContent: true } },
  { name: 'get settings', method: 'GET', path: () => '/v1/admin/settings' },
  { name: 'change settings', method: 'PATCH', path: () => '/v1/admin/settings', body: { registration: 'open' } },
  { name: 'search audit', method: 'GET', path: () => '/v1/admin/audit?limit=5' },
  { name: 'retention status', method: 'GET', path: () => '/v1/admin/retention' },
  { name: 'retention policy', method: 'PUT', path: () => '/v1/admin/retention', body: { days: null } },
  { name: 'retention run', method: 'POST', path: () => '/v1/admin/retention/run' },
  { name: 'legal hold', method: 'POST', path: () => '/v1/admin/retention/holds', body: { kind: 'conversation', targetId: 'nope', reason: 'r' }, admin: 'not_found' },
  { name: 'lift legal hold', method: 'DELETE', path: () => '/v1/admin/retention/holds/nope', admin: 'not_found' },
];

let created = 0;
function bodyOf(route: Route): unknown {
  if (route.body !== 'new-user') return route.body;
  created += 1;
  return { username: `made${created}${Math.random().toString(36).slice(2, 6)}`, password: PASSWORD };
}

describe('every admin route', () => {
  const actors = {
    'no token': () => undefined,
    'plain user': () => plain.token,
    moderator: () => moderator.token,
    admin: () => admin.token,
  };
  const expected: Record<keyof typeof actors, string> = {
    'no token': 'unauthenticated',
    'plain user': 'admin_required',
    moderator: 'admin_required',
    admin: 'ok',
  };
  for (const route of ROUTES) {
    it(`${route.method} ${route.name}: refused unless admin`, async () => {
      const target = await registerUser(t.url, 'target');
      const outcomes: Record<string, string> = {};
      for (const [who, token] of Object.entries(actors)) {
        const tok = token();
        outcomes[who] = code(
          await http(t.url, route.method, route.path(target.user.id), {
            ...(tok ? { token: tok } : {}),
            body: bodyOf(route),
          }),
        );
      }
      await route.undo?.(target.user.id);
      expect(outcomes).toEqual({ ...expected, ...(route.admin === undefined ? {} : { admin: route.admin }) });
    });
  }
});

describe('deactivation', () => {
  it('revokes the sessions and closes HTTP, WebSocket and XMPP until reactivated', async () => {
    const victim = await registerUser(t.url, 'victim');
    const ws = await RawClient.authed(t.wsUrl, victim.token);
    const res = await http<{ user: { deactivatedAt: number | null } }>(
      t.url,
      'POST',
      `/v1/admin/users/${victim.user.id}/deactivate`,
      { token: admin.token },
    );
    expect(res.body.user.deactivatedAt).toEqual(expect.any(Number));
    // The open connection hears its session was revoked and is closed.
    await ws.closed;
    expect(code(await http(t.url, 'GET', '/v1/me', { token: victim.token }))).toBe('token_invalid');
    const login = () =>
      http(t.url, 'POST', '/v1/auth/login', { body: { username: victim.user.username, password: PASSWORD } });
    expect(code(await login())).toBe('account_deactivated');
    // A wrong password says nothing about the account's state.
    expect(
      code(
        await http(t.url, 'POST', '/v1/auth/login', {
          body: { username: victim.user.username, password: 'wrong one' },
        }),
      ),
    ).toBe('invalid_credentials');
    const xmpp = await rawPlainLogin(t.server.xmppPort ?? 0, { username: victim.user.username, password: PASSWORD });
    expect(xmpp.afterAuth).toContain('<account-disabled/>');
    const ws2 = await RawClient.open(t.wsUrl);
    const reply = await ws2.request('auth', { token: victim.token, protocol: 1 });
    expect(reply.type === 'error' ? reply.error.code : 'ok').toBe('token_invalid');
    ws2.close();

    expect(
      code(await http(t.url, 'POST', `/v1/admin/users/${victim.user.id}/reactivate`, { token: admin.token })),
    ).toBe('ok');
    expect(code(await login())).toBe('ok');
    expect(
      (await rawPlainLogin(t.server.xmppPort ?? 0, { username: victim.user.username, password: PASSWORD })).afterAuth,
    ).toContain('<success');
  });

  it('refuses to remove the last active admin or to deactivate yourself', async () => {
    expect(
      code(
        await http(t.url, 'PUT', `/v1/admin/users/${admin.user.id}/admin`, {
          token: admin.token,
          body: { isAdmin: false },
        }),
      ),
    ).toBe('invalid_operation');
    expect(code(await http(t.url, 'POST', `/v1/admin/users/${admin.user.id}/deactivate`, { token: admin.token }))).toBe(
      'invalid_operation',
    );
  });
  it('counts no deleted account as an admin: the last one cannot delete their account, another admin can', async () => {
    const deleteSelf = (token: string) => http(t.url, 'DELETE', '/v1/me', { token, body: { password: PASSWORD } });
    expect(code(await deleteSelf(admin.token))).toBe('invalid_operation');
    const second = await registerUser(t.url, 'admin');
    const grant = await http(t.url, 'PUT', `/v1/admin/users/${second.user.id}/admin`, {
      token: admin.token,
      body: { isAdmin: true },
    });
    expect(code(grant)).toBe('ok');
    expect(code(await deleteSelf(second.token))).toBe('ok');
    // The deleted admin does not count: the first one is the last again.
    const revoke = await http(t.url, 'PUT', `/v1/admin/users/${admin.user.id}/admin`, {
      token: admin.token,
      body: { isAdmin: false },
    });
    expect(code(revoke)).toBe('invalid_operation');
  });
});

describe('admin search and settings', () => {
  it('pages through users and finds them by name', async () => {
    const first = await http<{ users: { user: { username: string } }[]; nextCursor: string | null }>(
      t.url,
      'GET',
      '/v1/admin/users?limit=2',
      { token: admin.token },
    );
    expect(first.body.users).toHaveLength(2);
    expect(first.body.nextCursor).toBe(first.body.users[1]?.user.username);
    const second = await http<{ users: { user: { username: string } }[] }>(
      t.url,
      'GET',
      `/v1/admin/users?limit=2&cursor=${first.body.nextCursor}`,
      { token: admin.token },
    );
    expect((second.body.users[0]?.user.username ?? '') > (first.body.nextCursor ?? '')).toBe(true);
    const found = await http<{ users: { user: { id: string } }[] }>(
      t.url,
      'GET',
      `/v1/admin/users?q=${plain.user.username}`,
      { token: admin.token },
    );
    expect(found.body.users.map((u) => u.user.id)).toEqual([plain.user.id]);
  });

  it('closes sign-up at run time, and requiring 2FA locks out admins without it', async () => {
    expect(
      code(await http(t.url, 'PATCH', '/v1/admin/settings', { token: admin.token, body: { registration: 'closed' } })),
    ).toBe('ok');
    expect(
      code(await http(t.url, 'POST', '/v1/auth/register', { body: { username: 'latecomer', password: PASSWORD } })),
    ).toBe('registration_closed');
    expect(
      code(await http(t.url, 'PATCH', '/v1/admin/settings', { token: admin.token, body: { registration: 'open' } })),
    ).toBe('ok');
    // An admin without 2FA cannot require it (they would lock themselves out)...
    expect(
      code(
        await http(t.url, 'PATCH', '/v1/admin/settings', { token: admin.token, body: { requireAdminTwoFactor: true } }),
      ),
    ).toBe('invalid_operation');
    // ...the server machine can, and then that admin is refused until they turn 2FA on.
    await t.server.services.admin.asCli().updateSettings({ requireAdminTwoFactor: true });
    expect(code(await http(t.url, 'GET', '/v1/admin/users', { token: admin.token }))).toBe('admin_two_factor_required');
    const viewer = await http<{ viewer?: { adminTwoFactorRequired: boolean } }>(t.url, 'GET', '/v1/server', {
      token: admin.token,
    });
    expect(viewer.body.viewer?.adminTwoFactorRequired).toBe(true);
    // Undo it from the server machine, the way an operator locked out would.
    await t.server.services.admin.asCli().updateSettings({ requireAdminTwoFactor: false });
    expect(code(await http(t.url, 'GET', '/v1/admin/users', { token: admin.token }))).toBe('ok');
    const audit = await http<{
      entries: { action: string; actorName: string | null; details: Record<string, unknown> }[];
    }>(t.url, 'GET', '/v1/admin/audit?action=settings.changed&limit=1', { token: admin.token });
    expect(audit.body.entries[0]).toMatchObject({
      action: 'settings.changed',
      actorName: 'cli',
      details: { changed: { requireAdminTwoFactor: { from: true, to: false } } },
    });
  });
});

describe('the SDK', () => {
  it('drives the admin API and a login with a second factor (AdminHttpClient)', async () => {
    const asAdmin = new AdminHttpClient({ baseUrl: t.url, getToken: () => admin.token });
    expect((await asAdmin.serverViewer()).viewer?.isAdmin).toBe(true);
    const { user } = await asAdmin.adminCreateUser({ username: `sdk${Date.now().toString(36)}`, password: PASSWORD });
    expect(user).toMatchObject({ isAdmin: false, deactivatedAt: null, twoFactorEnabled: false });

    const anonymous = new AdminHttpClient({ baseUrl: t.url });
    const login = await anonymous.login({ username: user.user.username, password: PASSWORD });
    const asUser = new AdminHttpClient({ baseUrl: t.url, getToken: () => login.token });
    const refused = await asUser.adminListUsers().catch((error: unknown) => error);
    expect(refused instanceof ParleyError && refused.code).toBe('admin_required');

    const { secret } = await asUser.setupTwoFactor();
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    await asUser.enableTwoFactor(totp.generate({ timestamp: t.clock.now() }));
    t.clock.advance(30_000);
    const plainLogin = await anonymous
      .login({ username: user.user.username, password: PASSWORD })
      .catch((error: unknown) => error);
    expect(secondFactorChallenge(plainLogin)?.challenge).toEqual(expect.any(String));
    const asked: number[] = [];
    const second = await anonymous.loginWithSecondFactor(
      { username: user.user.username, password: PASSWORD },
      (challenge) => {
        asked.push(challenge.expiresAt);
        return Promise.resolve(totp.generate({ timestamp: t.clock.now() }));
      },
    );
    expect(asked).toHaveLength(1);
    expect(second.user.id).toBe(user.user.id);
    expect((await asAdmin.adminGetUser(user.user.id)).user.twoFactorEnabled).toBe(true);
    // The real-time client finishes the login itself and keeps the token.
    t.clock.advance(30_000);
    const client = createNodeClient({ baseUrl: t.url });
    const pending = secondFactorChallenge(
      await client.login({ username: user.user.username, password: PASSWORD }).catch((error: unknown) => error),
    );
    await client.loginSecondFactor({
      challenge: pending?.challenge ?? '',
      code: totp.generate({ timestamp: t.clock.now() }),
    });
    expect(await client.admin.twoFactorStatus()).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    client.close();
    await asAdmin.adminResetTwoFactor(user.user.id);
    expect((await anonymous.login({ username: user.user.username, password: PASSWORD })).user.id).toBe(user.user.id);
    const { revokedSessions } = await asAdmin.adminLogoutEverywhere(user.user.id);
    expect(revokedSessions).toBe(4);
    const audit = await asAdmin.adminAudit({ user: user.user.username, limit: 3 });
    expect(audit.entries.map((e) => e.action)).toEqual(['sessions.revoked_all', 'login', 'two_factor.reset']);
  });
});
