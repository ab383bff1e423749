/**
 * Dead letters over the admin API and SDK (ADR 0018): an admin lists what failed too
 * often, retries it (the job is due again) or drops it, and the audit log records both;
 * anyone else is refused. The job is made a dead letter the way the job runner does it
 * (claimed, then moved under its lease), on the server's own store.
 */
import type { AuthResponse } from '@parley/protocol';
import { AdminHttpClient, ParleyError } from '@parley/sdk/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../src/ports/store';
import { createStore } from '../src/store/create-store';
import { registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
let store: Store;
let admin: AuthResponse;
let plain: AuthResponse;

beforeAll(async () => {
  t = await startTestServer(
    {},
    {
      store: async (config) => {
        store = await createStore({ db: 'sqlite', sqlitePath: config.sqlitePath ?? '', synchronous: 'normal' });
        return store;
      },
    },
  );
  admin = await registerUser(t.url, 'dladmin'); // the first account is the admin
  plain = await registerUser(t.url, 'dlplain');
});
afterAll(async () => {
  await t.stop();
});

async function deadJob(kind: string): Promise<string> {
  const now = Date.now();
  const id = `j_dead_${kind}`;
  await store.enqueueJob({ id, kind, payload: { what: kind }, dueAt: now, createdAt: now });
  const [job] = await store.claimJobs({ now, leaseUntil: now + 60_000, leaseToken: 'test', limit: 1, kinds: [kind] });
  expect(await store.deadLetterJob(job!.id, 'test', `${kind} always fails`, now)).toBe(true);
  return id;
}

it('lists, retries and drops dead letters for admins only, with an audit entry each', async () => {
  const retried = await deadJob('test.retry');
  const dropped = await deadJob('test.drop');
  const asAdmin = new AdminHttpClient({ baseUrl: t.url, getToken: () => admin.token });
  const asPlain = new AdminHttpClient({ baseUrl: t.url, getToken: () => plain.token });

  const { deadLetters } = await asAdmin.adminDeadLetters();
  expect(deadLetters.map((d) => d.id).sort()).toEqual([dropped, retried].sort());
  expect(deadLetters.find((d) => d.id === retried)).toMatchObject({
    source: 'job',
    kind: 'test.retry',
    payload: { what: 'test.retry' },
    lastError: 'test.retry always fails',
  });
  for (const attempt of [asPlain.adminDeadLetters(), asPlain.adminRetryDeadLetter(retried)]) {
    await expect(attempt).rejects.toMatchObject({ code: 'admin_required' });
  }

  expect((await asAdmin.adminRetryDeadLetter(retried)).deadLetter.id).toBe(retried);
  expect(await store.countJobs('test.retry')).toBe(1); // due again
  await asAdmin.adminDeleteDeadLetter(dropped);
  expect((await asAdmin.adminDeadLetters()).deadLetters).toEqual([]);
  expect(await store.countJobs('test.drop')).toBe(0);
  const missing = await asAdmin.adminRetryDeadLetter(dropped).catch((error: unknown) => error);
  expect(missing).toBeInstanceOf(ParleyError);
  expect((missing as ParleyError).code).toBe('not_found');

  const { entries } = await asAdmin.adminAudit({ limit: 10 });
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['dead_letter.retried', 'dead_letter.deleted']));
});
