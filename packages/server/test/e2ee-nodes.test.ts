/**
 * An encrypted group across two server nodes on one PostgreSQL database: the commit order is
 * the store's, so two devices committing at once through different nodes still get exactly one
 * commit per epoch (one is refused as stale, retried, and both end at the same epoch), and every
 * device reads every message whichever node it talks to. Then the canary on PostgreSQL: no
 * plaintext in any row of any table of the schema, while a control text sent in a plain
 * conversation is found (so the scan can see).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { AuthResponse } from '@parley/protocol';
import { HttpClient } from '@parley/sdk';
import { E2eeDevice, MemoryKeyStore } from '@parley/sdk/e2ee';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../src/store/postgres/test-database';
import { registerUser, startTestServer, type TestServer } from './harness';

const available = await requirePostgres();
const CANARY = `canary-${randomBytes(6).toString('hex')}`;
const CONTROL = `control-${randomBytes(6).toString('hex')}`;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function deviceOn(node: TestServer, auth: AuthResponse, refusals: string[]) {
  const http = new HttpClient({
    baseUrl: node.url,
    getToken: () => auth.token,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.status >= 400) {
        refusals.push(((await response.clone().json()) as { error: { code: string } }).error.code);
      }
      return response;
    },
  });
  const device = await E2eeDevice.open({
    http,
    userId: auth.user.id,
    deviceId: auth.session.id,
    keystore: new MemoryKeyStore(),
  });
  await device.publishKeyPackages(2);
  return { http, device };
}

describe.runIf(available)('an encrypted group on two nodes sharing PostgreSQL', () => {
  it('orders concurrent commits through different nodes one epoch at a time; no plaintext in any table', async () => {
    const schema = randomSchemaName('e2ee');
    cleanups.push(() => dropSchema(schema));
    const config = { db: 'postgres' as const, databaseUrl: pgTestUrl(), pgSchema: schema };
    const one = await startTestServer({ ...config, nodeId: 'one' });
    cleanups.push(() => one.stop());
    const two = await startTestServer({ ...config, nodeId: 'two' });
    cleanups.push(() => two.stop());

    const refusals: string[] = [];
    const aliceAuth = await registerUser(one.url, 'alice');
    const bobAuth = await registerUser(two.url, 'bob');
    const alice = await deviceOn(one, aliceAuth, refusals);
    const bob = await deviceOn(two, bobAuth, refusals);
    const conversation = await alice.device.createGroup('Across nodes', [bobAuth.user.id]);
    expect(await bob.device.acceptWelcomes()).toEqual([conversation.id]);

    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([alice.device.rotate(conversation.id), bob.device.rotate(conversation.id)]);
      expect(Math.abs(a - b)).toBe(1);
    }
    expect(refusals.filter((c) => c === 'e2ee_stale_epoch').length).toBeGreaterThanOrEqual(1);
    await alice.device.catchUp(conversation.id);
    await bob.device.catchUp(conversation.id);
    expect(await alice.device.epoch(conversation.id)).toBe(7);
    expect(await bob.device.epoch(conversation.id)).toBe(7);
    expect(await alice.device.epochAuthenticator(conversation.id)).toBe(
      await bob.device.epochAuthenticator(conversation.id),
    );
    // One commit entry per epoch, none lost or doubled.
    const { messages } = await alice.http.history(conversation.id, {});
    const epochs = messages.flatMap((m) =>
      m.content.type === 'mls' && m.content.kind === 'commit' ? [m.content.epoch] : [],
    );
    expect(epochs).toEqual([0, 1, 2, 3, 4, 5, 6]);

    await alice.device.send(conversation.id, `from node one ${CANARY}`);
    await bob.device.send(conversation.id, `from node two ${CANARY}`);
    const read = (await bob.device.catchUp(conversation.id)).flatMap((r) => (r.payload ? [r.payload.text] : []));
    expect(read).toEqual([`from node one ${CANARY}`, `from node two ${CANARY}`]);
    const plain = (await alice.http.createGroup({ title: 'plain', memberIds: [bobAuth.user.id] })).conversation;
    await alice.http.sendMessage(plain.id, { clientId: 'control', content: { type: 'text', text: CONTROL } });

    // Every row of every table in the schema, as text.
    const client = new pg.Client({ connectionString: pgTestUrl() });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        'select table_name from information_schema.tables where table_schema = $1',
        [schema],
      );
      let dump = '';
      for (const { table_name } of tables.rows) {
        const rows = await client.query<{ row: string }>(`select t::text as row from "${schema}"."${table_name}" t`);
        dump += rows.rows.map((r) => r.row).join('\n');
      }
      expect(tables.rows.length).toBeGreaterThan(10);
      expect(dump).toContain(CONTROL);
      expect(dump).not.toContain(CANARY);
    } finally {
      await client.end();
    }
  }, 60_000);
});
