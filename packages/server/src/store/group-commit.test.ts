import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import type { Database as Schema } from './db-schema';
import { GroupCommit } from './group-commit';
import { openSqlite } from './sqlite/open-sqlite';

let db: Kysely<Schema>;
afterEach(() => db.destroy());

function open() {
  db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: openSqlite(':memory:') }) });
  return sql`create table t (k text primary key)`.execute(db);
}

const insert = (k: string) => (trx: Kysely<Schema>) => sql`insert into t (k) values (${k})`.execute(trx).then(() => k);

it('commits concurrent writes together, and a failing write undoes only itself', async () => {
  await open();
  const group = new GroupCommit(db);
  const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
  const results = await Promise.allSettled([
    ...keys.map((k) => group.run(k, insert(k))),
    group.run('k5', insert('k5')),
  ]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(100);
  expect(results.at(-1)?.status).toBe('rejected'); // primary key violation, in its own savepoint
  const rows = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
  expect(rows.rows[0]?.n).toBe(100);
  expect(group.stats.writes).toBe(101);
  expect(group.stats.batches).toBeLessThan(5);
});

it('answers only after the commit, and keeps working after a failed batch', async () => {
  await open();
  const group = new GroupCommit(db);
  await expect(group.run('a', (trx) => sql`select * from missing_table`.execute(trx))).rejects.toThrow();
  expect(await group.run('b', insert('b'))).toBe('b');
  const visible = await sql<{ k: string }>`select k from t`.execute(db);
  expect(visible.rows.map((r) => r.k)).toEqual(['b']);
});

it('rolls back a write that was alone in its batch, with its own error', async () => {
  await open();
  const group = new GroupCommit(db);
  const failing = (trx: Kysely<Schema>) =>
    insert('half')(trx).then(() => sql`insert into t (k) values (${'half'})`.execute(trx));
  await expect(group.run('a', failing)).rejects.toThrow(/UNIQUE/);
  const rows = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
  expect(rows.rows[0]?.n).toBe(0);
  expect(group.stats.batches).toBe(1);
});
