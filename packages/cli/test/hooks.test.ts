/**
 * `parley admin hook ...` (ADR 0030) against a real server: an admin adds a pre-send
 * hook (the secret printed once, never listed), changes it, disables and removes it;
 * bad options get a clear error before any request; a non-admin is refused.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCliTestEnv, type CliTestEnv } from './cli-harness';

let env: CliTestEnv;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  env = await startCliTestEnv({ outboundAllow: 'loopback' });
});
afterAll(async () => {
  await env.stop();
});

async function register(username: string): Promise<void> {
  const registered = await fetch(`${env.url}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(registered.status).toBe(201);
}

it('adds, lists, changes, disables and removes pre-send hooks', { timeout: 240_000 }, async () => {
  await register('root'); // the first account is the server's admin
  await register('mallory');
  expect((await env.run('op', ['login', 'root', '--password', PASSWORD])).code).toBe(0);
  expect((await env.run('mal', ['login', 'mallory', '--password', PASSWORD])).code).toBe(0);

  const added = await env.run('op', [
    'admin',
    'hook',
    'add',
    'http://127.0.0.1:9/check',
    '--policy',
    'closed',
    '--deadline',
    '800',
    '--types',
    'text',
  ]);
  expect(added.code).toBe(0);
  const id = /added (ph_\S+)/.exec(added.stdout)?.[1];
  expect(id).toBeDefined();
  const secret = /signing secret \(shown once\): (whsec_\S+)/.exec(added.stdout)?.[1];
  expect(secret).toBeDefined();
  expect(added.stdout).toContain('[text] all conversations  800 ms  fail-closed  enabled');

  const listed = await env.run('op', ['admin', 'hook', 'list']);
  expect(listed.stdout).toContain(id);
  expect(listed.stdout).not.toContain(secret);

  const set = await env.run('op', ['admin', 'hook', 'set', id!, '--policy', 'open', '--conversation', 'c_1', 'c_2']);
  expect(set.stdout).toContain('c_1,c_2  800 ms  fail-open  enabled');
  const disabled = await env.run('op', ['admin', 'hook', 'disable', id!]);
  expect(disabled.stdout).toContain('fail-open  disabled');

  const bad = await env.run('op', ['admin', 'hook', 'set', id!, '--deadline', '5']);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('--deadline must be an integer between 50 and 10000 ms');
  const refused = await env.run('mal', ['admin', 'hook', 'list']);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain('administrator');

  expect((await env.run('op', ['admin', 'hook', 'remove', id!])).stdout).toContain(`removed ${id}`);
  expect((await env.run('op', ['admin', 'hook', 'list'])).stdout).toContain('(no pre-send hooks)');
});
