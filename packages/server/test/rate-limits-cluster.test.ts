/**
 * Limits that hold across nodes: two servers on one PostgreSQL database count
 * failed logins and membership changes in one budget (PARLEY_RATE_LIMIT_BACKEND
 * `auto` picks PostgreSQL there), whichever node each attempt reaches. With
 * `memory`, each node counts alone: what a cluster must not do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../src/store/postgres/test-database';
import type { Config } from '../src';
import { http, registerUser, startTestServer, type TestServer } from './harness';

const available = await requirePostgres();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two nodes on one fresh PostgreSQL schema. */
async function twoNodes(overrides: Partial<Config>): Promise<[TestServer, TestServer]> {
  const schema = randomSchemaName('rlc');
  cleanups.push(() => dropSchema(schema));
  const config = { db: 'postgres' as const, databaseUrl: pgTestUrl(), pgSchema: schema, ...overrides };
  const one = await startTestServer({ ...config, nodeId: 'one' });
  cleanups.push(() => one.stop());
  const two = await startTestServer({ ...config, nodeId: 'two' });
  cleanups.push(() => two.stop());
  return [one, two];
}

const failedLogin = async (t: TestServer) =>
  (await http(t.url, 'POST', '/v1/auth/login', { body: { username: 'nobody', password: 'wrong password' } })).status;

describe.runIf(available)('rate limits on two nodes sharing PostgreSQL', () => {
  it('holds one budget of failed logins per address across nodes', async () => {
    const [one, two] = await twoNodes({ authAttemptsPerMinute: 4 });
    expect([await failedLogin(one), await failedLogin(two), await failedLogin(one), await failedLogin(two)]).toEqual([
      401, 401, 401, 401,
    ]);
    expect(await failedLogin(one)).toBe(429);
    expect(await failedLogin(two)).toBe(429);
  });

  it('holds one budget of membership changes per account across nodes', async () => {
    const [one, two] = await twoNodes({ authAttemptsPerMinute: 1000, membershipChangesPerMinute: 3 });
    const owner = await registerUser(one.url, 'rlc-owner');
    const dave = await registerUser(two.url, 'rlc-dave');
    const created = await http<{ conversation: { id: string } }>(one.url, 'POST', '/v1/channels', {
      token: owner.token,
      body: { title: 'Shared', visibility: 'public' },
    });
    const id = created.body.conversation.id;
    const change = async (t: TestServer, action: 'join' | 'leave') =>
      (await http(t.url, 'POST', `/v1/conversations/${id}/${action}`, { token: dave.token })).status;
    expect(await change(one, 'join')).toBe(200);
    expect(await change(two, 'leave')).toBe(204);
    expect(await change(one, 'join')).toBe(200);
    expect(await change(two, 'leave')).toBe(429);
    expect(await change(one, 'leave')).toBe(429);
  });

  it('counts per node with PARLEY_RATE_LIMIT_BACKEND=memory (one budget per node: not for clusters)', async () => {
    const [one, two] = await twoNodes({ authAttemptsPerMinute: 2, rateLimitBackend: 'memory' });
    expect([await failedLogin(one), await failedLogin(two), await failedLogin(one), await failedLogin(two)]).toEqual([
      401, 401, 401, 401,
    ]);
    expect(await failedLogin(one)).toBe(429);
  });
});
