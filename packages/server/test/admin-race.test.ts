/**
 * Two admins removing each other at the same moment, through two nodes sharing
 * PostgreSQL (where the two transactions really run at once): one removal wins and the
 * other is refused, so the server keeps an active admin.
 */
import type { AuthResponse } from '@parley/protocol';
import { afterAll, expect, it } from 'vitest';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../src/store/postgres/test-database';
import { http, registerUser, startTestServer, type TestServer } from './harness';

const available = await requirePostgres();
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const code = (res: { status: number; body: unknown }): string =>
  res.status < 300 ? 'ok' : ((res.body as { error?: { code: string } }).error?.code ?? `http_${res.status}`);

it.runIf(available)('keeps one active admin when two admins revoke or deactivate each other at once', async () => {
  const schema = randomSchemaName('admins');
  cleanups.push(() => dropSchema(schema));
  const config = { db: 'postgres' as const, databaseUrl: pgTestUrl(), pgSchema: schema };
  const one: TestServer = await startTestServer({ ...config, nodeId: 'one' });
  cleanups.push(() => one.stop());
  const two: TestServer = await startTestServer({ ...config, nodeId: 'two' });
  cleanups.push(() => two.stop());
  const first = await registerUser(one.url, 'first'); // the first account is an admin
  const admins: AuthResponse[] = [first];
  for (let round = 0; round < 6; round++) {
    const other = await registerUser(one.url, `admin${round}`);
    expect(
      code(
        await http(one.url, 'PUT', `/v1/admin/users/${other.user.id}/admin`, {
          token: admins[0]!.token,
          body: { isAdmin: true },
        }),
      ),
    ).toBe('ok');
    const [a, b] = [admins[0]!, other];
    // Alternate revoking the role and deactivating, each through its own node.
    const remove = (server: TestServer, actor: AuthResponse, target: AuthResponse) =>
      round % 2 === 0
        ? http(server.url, 'PUT', `/v1/admin/users/${target.user.id}/admin`, {
            token: actor.token,
            body: { isAdmin: false },
          })
        : http(server.url, 'POST', `/v1/admin/users/${target.user.id}/deactivate`, { token: actor.token });
    const [aRemovesB, bRemovesA] = (await Promise.all([remove(one, a, b), remove(two, b, a)])).map(code);
    // Exactly one removal happened; the other was refused (as the last admin, or because its
    // actor had just lost the role), and the survivor is still an active admin.
    expect([aRemovesB, bRemovesA].filter((c) => c === 'ok')).toHaveLength(1);
    const survivor = aRemovesB === 'ok' ? a : b;
    const removed = aRemovesB === 'ok' ? b : a;
    const state = async (target: AuthResponse) =>
      (
        await http<{ user: { isAdmin: boolean; deactivatedAt: number | null } }>(
          one.url,
          'GET',
          `/v1/admin/users/${target.user.id}`,
          { token: survivor.token },
        )
      ).body.user;
    expect(await state(survivor)).toMatchObject({ isAdmin: true, deactivatedAt: null });
    const gone = await state(removed);
    expect(gone.isAdmin === false || gone.deactivatedAt !== null).toBe(true);
    admins.splice(0, admins.length, survivor);
  }
});
