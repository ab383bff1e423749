/**
 * `parley audit verify|list|export` against real stores (issue 19): an intact log
 * passes and prints its last hash; one row changed directly in the database (SQLite,
 * then PostgreSQL) fails naming that entry, with exit code 1; a deleted tail is
 * caught by the head row, and when the head is rewritten too, only by an anchor
 * recorded earlier. On PostgreSQL, two stores (two nodes) appending at once leave
 * one unbroken chain.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createStore, loadConfig, openAdmin, type Store } from '@parley/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliTestEnv, type CliTestEnv } from './cli-harness';

let env: CliTestEnv;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  env = await startCliTestEnv();
  // A few entries: the first account (and its admin role), logins, a failed login.
  for (const name of ['root', 'alice']) {
    const res = await fetch(`${env.url}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: name, password: PASSWORD }),
    });
    expect(res.status).toBe(201);
  }
  await fetch(`${env.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'not the password' }),
  });
}, 30_000);

afterAll(async () => {
  await env.stop();
});

const lastLine = (stdout: string) => /last entry (\d+:[0-9a-f]{64})/.exec(stdout)?.[1];

describe('parley audit on SQLite', () => {
  it('exports the entries as JSON lines, chained', { timeout: 60_000 }, async () => {
    const exported = await env.run('op', ['audit', 'export']);
    expect(exported.code).toBe(0);
    const entries = exported.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            seq: number;
            action: string;
            prevHash: string;
            hash: string;
            details: Record<string, unknown>;
          },
      );
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    for (let i = 1; i < entries.length; i += 1) expect(entries[i]?.prevHash).toBe(entries[i - 1]?.hash);
    expect(entries.map((e) => e.action)).toEqual(['user.created', 'admin.granted', 'user.created', 'login.failed']);
    expect(entries[3]?.details).toMatchObject({ username: 'alice', via: 'http', reason: 'invalid_credentials' });
  });

  it('names the first altered entry, then catches a deleted tail', { timeout: 90_000 }, async () => {
    const intact = await env.run('op', ['audit', 'verify']);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('audit log intact');
    const anchorText = lastLine(intact.stdout) ?? '';
    const [seq, hash] = anchorText.split(':');
    const anchor = { seq: Number(seq), hash: hash ?? '' };
    const verify = (withAnchor = false) =>
      env.server.services.admin.asCli().verifyAudit(withAnchor ? anchor : undefined);

    const db = new Database(path.join(env.dir, 'parley.db'));
    try {
      const original = db.prepare('select details from audit_log where seq = 2').get() as { details: string };
      db.prepare('update audit_log set details = ? where seq = 2').run('{"username":"mallory"}');
      const altered = await env.run('op', ['audit', 'verify']);
      expect(altered.code).toBe(1);
      expect(altered.stdout).toContain('BROKEN at entry 2 (hash_mismatch)');
      db.prepare('update audit_log set details = ? where seq = 2').run(original.details);
      expect((await verify()).ok).toBe(true);

      // The last entry deleted: the head row still names it.
      const head = db.prepare('select seq, hash from audit_head').get() as { seq: number; hash: string };
      const last = db.prepare('select * from audit_log where seq = ?').get(head.seq) as Record<string, unknown>;
      db.prepare('delete from audit_log where seq = ?').run(head.seq);
      expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: head.seq, problem: 'truncated' } });

      // The head rewritten too: only the anchor recorded earlier shows it.
      const before = db.prepare('select hash from audit_log where seq = ?').get(head.seq - 1) as { hash: string };
      db.prepare('update audit_head set seq = ?, hash = ?').run(head.seq - 1, before.hash);
      expect((await verify()).ok).toBe(true);
      expect(await verify(true)).toMatchObject({ ok: false, firstBad: { seq: anchor.seq, problem: 'anchor_missing' } });

      // Put it back as it was (so that later appends chain on).
      db.prepare(
        'insert into audit_log (seq, at, actor_id, actor_name, action, target, address, details, prev_hash, hash) values (@seq, @at, @actor_id, @actor_name, @action, @target, @address, @details, @prev_hash, @hash)',
      ).run(last);
      db.prepare('update audit_head set seq = ?, hash = ?').run(head.seq, head.hash);
      expect((await verify(true)).ok).toBe(true);
    } finally {
      db.close();
    }
  });
});

const PG_URL = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (process.env.CI)
      throw new Error(`PostgreSQL is unreachable at ${PG_URL}: CI is set, so this test fails`, { cause: error });
    process.stderr.write(`WARNING: PostgreSQL is unreachable at ${PG_URL}; skipping the PostgreSQL audit tests\n`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('parley audit on PostgreSQL', async () => {
  const reachable = await postgresReachable();
  const schema = `audit_${randomBytes(6).toString('hex')}`;
  const pgEnv = { PARLEY_DB: 'postgres', PARLEY_DATABASE_URL: PG_URL, PARLEY_PG_SCHEMA: schema };
  const stores: Store[] = [];

  afterAll(async () => {
    for (const store of stores) await store.close();
    if (!reachable) return;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  it.runIf(reachable)(
    'keeps one chain when two nodes append at once, and names an altered row',
    { timeout: 60_000 },
    async () => {
      const admin = await openAdmin(
        loadConfig({}, { db: 'postgres', databaseUrl: PG_URL, pgSchema: schema, logLevel: 'silent' }),
      );
      try {
        await admin.services.accounts.createUser({ username: 'root', password: PASSWORD });
      } finally {
        await admin.close();
      }
      for (const node of ['node-a', 'node-b']) {
        stores.push(await createStore({ db: 'postgres', databaseUrl: PG_URL, schema, eventOrigin: node }));
      }
      const appends = stores.flatMap((store, node) =>
        Array.from({ length: 25 }, (_, i) =>
          store.appendAudit({
            at: Date.now(),
            actorId: null,
            actorName: `node-${node}`,
            action: 'test.append',
            target: null,
            address: null,
            details: { i },
          }),
        ),
      );
      const records = await Promise.all(appends);
      expect(new Set(records.map((r) => r.seq)).size).toBe(50);

      const check = await openAdmin(
        loadConfig({}, { db: 'postgres', databaseUrl: PG_URL, pgSchema: schema, logLevel: 'silent' }),
      );
      try {
        expect(await check.services.admin.asCli().verifyAudit()).toMatchObject({ ok: true, entries: 52 });
      } finally {
        await check.close();
      }

      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`update "${schema}".audit_log set action = 'user.renamed' where seq = 7`);
      } finally {
        await client.end();
      }
      const altered = await env.run('op', ['audit', 'verify'], { env: pgEnv });
      expect(altered.code).toBe(1);
      expect(altered.stdout).toContain('BROKEN at entry 7 (hash_mismatch)');
    },
  );
});
