/**
 * The admin API routes of the web console (issue 19): every one tried with no token,
 * as a plain user, as a moderator of a channel (a conversation role gives no server
 * rights) and as an admin; the registration policy `invite` (a sign-up needs a server
 * invite code: single- or multi-use, expiring, revocable, stored hashed; a failed
 * sign-up gives its use back); groups and channels across the server (search, members,
 * ownership handed over); one queue of every conversation's reports; storage totals and
 * the Prometheus figures for the dashboard.
 */
import { createHash } from 'node:crypto';
import type { AuthResponse } from '@parley/protocol';
import { AdminHttpClient, sumSamples } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../src';
import type { Store } from '../src/ports/store';
import { http, registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
let store: Store;
let admin: AuthResponse;
let plain: AuthResponse;
let moderator: AuthResponse;
let lobbyId: string;
const PASSWORD = 'correct horse battery';

const code = (res: { status: number; body: unknown }): string =>
  res.status < 300
    ? 'ok'
    : ((res.body as { error?: { code: string } } | undefined)?.error?.code ?? `http_${res.status}`);

async function ok<T>(res: Promise<{ status: number; body: T }>): Promise<T> {
  const done = await res;
  if (done.status >= 300) throw new Error(`HTTP ${done.status}: ${JSON.stringify(done.body)}`);
  return done.body;
}

async function channel(owner: AuthResponse, title: string, members: string[] = []): Promise<string> {
  const made = await ok(
    http<{ conversation: { id: string } }>(t.url, 'POST', '/v1/channels', {
      token: owner.token,
      body: { title, visibility: 'public' },
    }),
  );
  const id = made.conversation.id;
  if (members.length > 0) {
    await ok(
      http(t.url, 'POST', `/v1/conversations/${id}/members`, { token: owner.token, body: { userIds: members } }),
    );
  }
  return id;
}

let sent = 0;
async function post(who: AuthResponse, conversationId: string, text: string): Promise<string> {
  const res = await ok(
    http<{ message: { id: string } }>(t.url, 'POST', `/v1/conversations/${conversationId}/messages`, {
      token: who.token,
      body: { clientId: `c${++sent}${Math.random().toString(36).slice(2, 8)}`, content: { type: 'text', text } },
    }),
  );
  return res.message.id;
}

async function report(who: AuthResponse, conversationId: string, messageId: string, reason: string): Promise<string> {
  const res = await ok(
    http<{ report: { id: string } }>(t.url, 'POST', `/v1/conversations/${conversationId}/reports`, {
      token: who.token,
      body: { messageId, reason },
    }),
  );
  return res.report.id;
}

beforeAll(async () => {
  t = await startTestServer(
    { authAttemptsPerMinute: 10_000 },
    {
      store: async (config) => {
        store = await createStore({ db: 'sqlite', sqlitePath: config.sqlitePath ?? '', synchronous: 'normal' });
        return store;
      },
    },
  );
  admin = await registerUser(t.url, 'admin');
  plain = await registerUser(t.url, 'plain');
  moderator = await registerUser(t.url, 'mod');
  lobbyId = await channel(admin, 'Console lobby', [moderator.user.id, plain.user.id]);
  await ok(
    http(t.url, 'PATCH', `/v1/conversations/${lobbyId}/members/${moderator.user.id}`, {
      token: admin.token,
      body: { role: 'moderator' },
    }),
  );
}, 30_000);

afterAll(async () => {
  await t.stop();
});

type Route = {
  name: string;
  method: string;
  path: () => string;
  body?: unknown;
  /** What the admin gets when not `ok` (past authorization: the target does not exist). */
  admin?: string;
};
// prettier-ignore
const ROUTES: Route[] = [
  { name: 'list invites', method: 'GET', path: () => '/v1/admin/invites' },
  { name: 'create invite', method: 'POST', path: () => '/v1/admin/invites', body: { maxUses: 1 } },
  { name: 'revoke invite', method: 'DELETE', path: () => '/v1/admin/invites/si_nope', admin: 'not_found' },
  { name: 'list conversations', method: 'GET', path: () => '/v1/admin/conversations?q=lobby' },
  { name: 'members', method: 'GET', path: () => `/v1/admin/conversations/${lobbyId}/members` },
  { name: 'transfer ownership', method: 'POST', path: () => `/v1/admin/conversations/${lobbyId}/owner`, body: { userId: 'u_nobody' }, admin: 'not_found' },
  { name: 'reports', method: 'GET', path: () => '/v1/admin/reports?state=all' },
  { name: 'resolve report', method: 'POST', path: () => '/v1/admin/reports/r_nope/resolve', body: { outcome: 'dismissed' }, admin: 'not_found' },
  { name: 'storage', method: 'GET', path: () => '/v1/admin/storage' },
  { name: 'metrics', method: 'GET', path: () => '/v1/admin/metrics' },
];

describe('every console route', () => {
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
      const outcomes: Record<string, string> = {};
      for (const [who, token] of Object.entries(actors)) {
        const tok = token();
        const headers: Record<string, string> = {};
        if (tok) headers.authorization = `Bearer ${tok}`;
        if (route.body !== undefined) headers['content-type'] = 'application/json';
        // Raw fetch: the metrics answer is text, not JSON.
        const res = await fetch(`${t.url}${route.path()}`, {
          method: route.method,
          headers,
          ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
        });
        const text = await res.text();
        outcomes[who] = res.ok
          ? 'ok'
          : ((JSON.parse(text) as { error?: { code: string } }).error?.code ?? `http_${res.status}`);
      }
      expect(outcomes).toEqual({ ...expected, ...(route.admin === undefined ? {} : { admin: route.admin }) });
    });
  }
});

describe('registration by invite', () => {
  const signUp = (body: Record<string, unknown>) =>
    http<{ error?: { code: string; details?: { reason?: string } } }>(t.url, 'POST', '/v1/auth/register', { body });
  const name = () => `inv${Math.random().toString(36).slice(2, 8)}`;

  it('needs a valid code; a single-use code works once; a failed sign-up gives its use back', async () => {
    const asAdmin = new AdminHttpClient({ baseUrl: t.url, getToken: () => admin.token });
    const { settings } = await asAdmin.adminUpdateSettings({ registration: 'invite' });
    expect(settings.registration).toBe('invite');
    expect((await http<{ registration: string }>(t.url, 'GET', '/v1/server')).body.registration).toBe('invite');
    try {
      expect(code(await signUp({ username: name(), password: PASSWORD }))).toBe('invite_required');
      const wrong = await signUp({ username: name(), password: PASSWORD, inviteCode: 'NotARealCode123' });
      expect(wrong.body.error).toMatchObject({ code: 'invite_invalid', details: { reason: 'unknown' } });

      const made = await asAdmin.adminCreateInvite({ maxUses: 1, note: 'for one' });
      expect(made.code).toMatch(/^[A-Za-z0-9]{22}$/);
      // A taken username is refused and the single use stays.
      expect(code(await signUp({ username: plain.user.username, password: PASSWORD, inviteCode: made.code }))).toBe(
        'username_taken',
      );
      const newcomer = name();
      expect(code(await signUp({ username: newcomer, password: PASSWORD, inviteCode: made.code }))).toBe('ok');
      const again = await signUp({ username: name(), password: PASSWORD, inviteCode: made.code });
      expect(again.body.error).toMatchObject({ code: 'invite_invalid', details: { reason: 'used_up' } });
      const listed = (await asAdmin.adminInvites()).invites.find((i) => i.id === made.invite.id);
      expect(listed).toMatchObject({ uses: 1, maxUses: 1, note: 'for one', createdBy: admin.user.id });
      // Only the hash is kept: the listing never carries the code, the store finds it by its SHA-256.
      expect(JSON.stringify(await asAdmin.adminInvites())).not.toContain(made.code);
      const hash = createHash('sha256').update(made.code).digest('hex');
      const stored = await store.useServerInvite(hash, t.clock.now());
      expect(stored).toEqual({ ok: false, reason: 'used_up' });

      // Multi-use, then revoked.
      const multi = await asAdmin.adminCreateInvite({});
      expect(code(await signUp({ username: name(), password: PASSWORD, inviteCode: multi.code }))).toBe('ok');
      expect(code(await signUp({ username: name(), password: PASSWORD, inviteCode: multi.code }))).toBe('ok');
      await asAdmin.adminRevokeInvite(multi.invite.id);
      const revoked = await signUp({ username: name(), password: PASSWORD, inviteCode: multi.code });
      expect(revoked.body.error).toMatchObject({ code: 'invite_invalid', details: { reason: 'revoked' } });

      // Expiring: works before, refused after (the server's clock moved on).
      const brief = await asAdmin.adminCreateInvite({ expiresInSeconds: 60 });
      t.clock.advance(61_000);
      const late = await signUp({ username: name(), password: PASSWORD, inviteCode: brief.code });
      expect(late.body.error).toMatchObject({ code: 'invite_invalid', details: { reason: 'expired' } });

      // Every change is in the audit log, and no entry holds a code.
      const audit = await asAdmin.adminAudit({ limit: 50 });
      const actions = audit.entries.map((e) => e.action);
      expect(actions).toContain('server_invite.created');
      expect(actions).toContain('server_invite.revoked');
      expect(actions).toContain('settings.changed');
      expect(JSON.stringify(audit)).not.toContain(made.code);
    } finally {
      await asAdmin.adminUpdateSettings({ registration: 'open' });
    }
    expect(code(await signUp({ username: name(), password: PASSWORD }))).toBe('ok');
  });

  it('closed refuses even with a valid code', async () => {
    const cli = t.server.services.admin.asCli();
    const made = await t.server.services.adminConsole.createInvite(cli, {});
    await cli.updateSettings({ registration: 'closed' });
    try {
      expect(code(await signUp({ username: name(), password: PASSWORD, inviteCode: made.code }))).toBe(
        'registration_closed',
      );
    } finally {
      await cli.updateSettings({ registration: 'open' });
    }
  });
});

describe('groups and channels', () => {
  it('finds them by title, lists members, and hands ownership over', async () => {
    const asAdmin = new AdminHttpClient({ baseUrl: t.url, getToken: () => admin.token });
    const owner = await registerUser(t.url, 'owner');
    const heir = await registerUser(t.url, 'heir');
    const id = await channel(owner, 'Zebra crossing club', [heir.user.id]);
    const found = await asAdmin.adminConversations({ q: 'zebra CROSSING' });
    expect(found.conversations.map((c) => c.id)).toEqual([id]);
    expect((await asAdmin.adminConversations({ q: 'no such title at all' })).conversations).toEqual([]);
    const roles = async () =>
      Object.fromEntries((await asAdmin.adminConversationMembers(id)).members.map((m) => [m.userId, m.role]));
    expect(await roles()).toEqual({ [owner.user.id]: 'owner', [heir.user.id]: 'member' });

    expect(
      code(
        await http(t.url, 'POST', `/v1/admin/conversations/${id}/owner`, {
          token: admin.token,
          body: { userId: plain.user.id },
        }),
      ),
    ).toBe('not_found');
    await asAdmin.adminTransferOwnership(id, heir.user.id);
    expect(await roles()).toEqual({ [owner.user.id]: 'admin', [heir.user.id]: 'owner' });
    const audit = await asAdmin.adminAudit({ action: 'conversation.owner_transferred', limit: 1 });
    expect(audit.entries[0]).toMatchObject({ target: id, details: { to: heir.user.id, from: [owner.user.id] } });
  });
});

describe('the reports queue', () => {
  it('holds the reports of every conversation; resolve and dismiss close them, audited', async () => {
    const asAdmin = new AdminHttpClient({ baseUrl: t.url, getToken: () => admin.token });
    const other = await channel(moderator, 'Elsewhere', [plain.user.id]);
    const first = await report(plain, lobbyId, await post(moderator, lobbyId, 'rude words here'), 'rude');
    const second = await report(plain, other, await post(moderator, other, 'spam spam spam'), 'spam');
    const open = (await asAdmin.adminReports()).reports;
    const ids = open.map((r) => r.report.id);
    expect(ids).toEqual(expect.arrayContaining([first, second]));
    expect(open.find((r) => r.report.id === second)?.conversation).toEqual({
      id: other,
      kind: 'channel',
      title: 'Elsewhere',
    });
    expect(open.find((r) => r.report.id === first)?.report.message?.content).toMatchObject({ text: 'rude words here' });

    await asAdmin.adminResolveReport(first, 'resolved');
    await asAdmin.adminResolveReport(second, 'dismissed');
    const still = (await asAdmin.adminReports()).reports.map((r) => r.report.id);
    expect(still).not.toContain(first);
    expect(still).not.toContain(second);
    const all = (await asAdmin.adminReports({ state: 'all' })).reports.find((r) => r.report.id === second);
    expect(all?.report.resolvedBy).toBe(admin.user.id);
    const audit = await asAdmin.adminAudit({ limit: 20 });
    expect(audit.entries.find((e) => e.target === first)?.action).toBe('report.resolved');
    expect(audit.entries.find((e) => e.target === second)?.action).toBe('report.dismissed');
  });
});

describe('storage and figures', () => {
  it('counts accounts, conversations and files, and serves the Prometheus figures parsed', async () => {
    const asAdmin = new AdminHttpClient({ baseUrl: t.url, getToken: () => admin.token });
    const storage = await asAdmin.adminStorage();
    const users = (await asAdmin.adminListUsers({ limit: 200 })).users.length;
    expect(storage.users).toBe(users);
    expect(storage.conversations).toBeGreaterThanOrEqual(1);
    expect(storage).toMatchObject({ files: 0, fileBytes: 0, topUsers: [] });

    // A refused request counts as an error of the HTTP gateway, by its code.
    const before = sumSamples(await asAdmin.adminMetrics(), 'parley_errors_total', { code: 'admin_required' });
    expect(code(await http(t.url, 'GET', '/v1/admin/storage', { token: plain.token }))).toBe('admin_required');
    const samples = await asAdmin.adminMetrics();
    expect(sumSamples(samples, 'parley_errors_total', { code: 'admin_required' })).toBe(before + 1);
    expect(samples.some((s) => s.name === 'parley_nodejs_eventloop_lag_seconds')).toBe(true);
    expect(samples.some((s) => s.name === 'parley_outbox_pending')).toBe(true);
  });
});
