/**
 * `parley login` with a second factor and `parley admin ...` over the admin API,
 * against a real server: the first account is the admin, it turns on 2FA, the CLI
 * logs in with a recovery code (PARLEY_2FA_CODE) and deactivates another account;
 * `parley user admin` grants the role straight through the store.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCliTestEnv, type CliTestEnv } from './cli-harness';

let env: CliTestEnv;
const PASSWORD = 'correct horse battery';

async function post<T>(route: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${env.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  env = await startCliTestEnv();
});
afterAll(async () => {
  await env.stop();
});

it('logs in with a recovery code and deactivates an account', { timeout: 90_000 }, async () => {
  const root = await post<{ token: string }>('/v1/auth/register', { username: 'root', password: PASSWORD });
  await post('/v1/auth/register', { username: 'bob', password: PASSWORD });
  const setup = await fetch(`${env.url}/v1/me/2fa/setup`, {
    method: 'POST',
    headers: { authorization: `Bearer ${root.body.token}` },
  });
  const { secret } = (await setup.json()) as { secret: string };
  const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
  const enabled = await post<{ recoveryCodes: string[] }>('/v1/me/2fa/enable', { code }, root.body.token);
  expect(enabled.status).toBe(200);

  const login = await env.run('op', ['login', 'root', '--password', PASSWORD], {
    env: { PARLEY_2FA_CODE: enabled.body.recoveryCodes[0] ?? '' },
  });
  expect(login.stderr).toBe('');
  expect(login.stdout).toContain('logged in as root');

  const deactivate = await env.run('op', ['admin', 'deactivate', 'bob']);
  expect(deactivate.stdout).toContain('deactivated bob');
  expect(deactivate.code).toBe(0);
  const refused = await post<{ error: { code: string } }>('/v1/auth/login', { username: 'bob', password: PASSWORD });
  expect(refused.body.error.code).toBe('account_deactivated');

  // On the server machine, without logging in: the store directly.
  const grant = await env.run('op', ['user', 'admin', 'bob']);
  expect(grant.stderr + grant.stdout).toContain('bob is now a server administrator');
  const bob = await env.server.services.admin.asCli().findUser('bob');
  expect(bob.adminSince).toEqual(expect.any(Number));
});

it('archives, unarchives and deletes a channel with `parley admin conversation`', { timeout: 90_000 }, async () => {
  // The first account (root, above) is the server admin; carol owns a channel root is not in.
  const carol = await post<{ token: string }>('/v1/auth/register', { username: 'carol', password: PASSWORD });
  const created = await post<{ conversation: { id: string } }>(
    '/v1/channels',
    { title: 'Old news', visibility: 'public' },
    carol.body.token,
  );
  const id = created.body.conversation.id;
  const archived = await env.run('op', ['admin', 'conversation', 'archive', id]);
  expect(archived.stderr).toBe('');
  expect([archived.code, archived.stdout]).toEqual([0, `archived ${id} "Old news"\n`]);
  const sent = await post<{ error: { code: string } }>(
    `/v1/conversations/${id}/messages`,
    { clientId: 'c1', content: { type: 'text', text: 'still here?' } },
    carol.body.token,
  );
  expect(sent.body.error.code).toBe('conversation_archived');
  const unarchived = await env.run('op', ['admin', 'conversation', 'unarchive', id]);
  expect(unarchived.stdout).toContain(`unarchived ${id}`);

  const unconfirmed = await env.run('op', ['admin', 'conversation', 'delete', id]);
  expect(unconfirmed.code).not.toBe(0);
  expect(unconfirmed.stderr).toContain('--yes');
  const deleted = await env.run('op', ['admin', 'conversation', 'delete', id, '--yes']);
  expect([deleted.code, deleted.stdout]).toEqual([0, `deleted ${id}; its messages and files are being erased\n`]);
  const gone = await fetch(`${env.url}/v1/conversations/${id}`, {
    headers: { authorization: `Bearer ${carol.body.token}` },
  });
  expect(gone.status).toBe(404);
  const audit = await env.server.services.admin.asCli().listAudit({ user: 'root' });
  expect(audit.entries.filter((e) => e.target === id).map((e) => e.action)).toEqual([
    'conversation.deleted',
    'conversation.unarchived',
    'conversation.archived',
  ]);
});
