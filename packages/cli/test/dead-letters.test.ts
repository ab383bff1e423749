/**
 * `parley admin dead-letters` (ADR 0018) against a real server: an admin lists the jobs
 * that failed too often, retries one (due again) and drops another. The dead letters are
 * made the way the job runner makes them, in the server's own database.
 */
import path from 'node:path';
import { createStore, type Store } from '@parley/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCliTestEnv, type CliTestEnv } from './cli-harness';

let env: CliTestEnv;
let store: Store;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  env = await startCliTestEnv();
  store = await createStore({ db: 'sqlite', sqlitePath: path.join(env.dir, 'parley.db'), synchronous: 'normal' });
});
afterAll(async () => {
  await store.close();
  await env.stop();
});

async function deadJob(id: string, kind: string): Promise<void> {
  const now = Date.now();
  await store.enqueueJob({ id, kind, payload: {}, dueAt: now, createdAt: now });
  const [job] = await store.claimJobs({ now, leaseUntil: now + 60_000, leaseToken: 'cli', limit: 1, kinds: [kind] });
  expect(await store.deadLetterJob(job!.id, 'cli', `${kind} keeps failing`, now)).toBe(true);
}

it('lists, retries and drops dead letters', { timeout: 90_000 }, async () => {
  const registered = await fetch(`${env.url}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'root', password: PASSWORD }),
  });
  expect(registered.status).toBe(201);
  expect((await env.run('op', ['login', 'root', '--password', PASSWORD])).code).toBe(0);
  await deadJob('j_cli_retry', 'test.retry');
  await deadJob('j_cli_drop', 'test.drop');

  const listed = await env.run('op', ['admin', 'dead-letters']);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(/j_cli_retry\s+job\s+test\.retry.*test\.retry keeps failing/);
  expect(listed.stdout).toContain('j_cli_drop');

  const retried = await env.run('op', ['admin', 'dead-letters', 'retry', 'j_cli_retry']);
  expect(retried.stdout).toContain('retrying job j_cli_retry (test.retry)');
  expect(await store.countJobs('test.retry')).toBe(1);
  const dropped = await env.run('op', ['admin', 'dead-letters', 'drop', 'j_cli_drop']);
  expect(dropped.stdout).toContain('dropped j_cli_drop');
  expect(await store.listDeadLetters(10)).toEqual([]);
});
