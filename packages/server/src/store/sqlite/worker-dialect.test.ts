/**
 * The store's SQLite connection on a worker thread: the event loop keeps running
 * while SQLite works (here: waits for a lock held by another connection), errors
 * keep the driver's codes, and destroy() ends the thread after the last write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDb, type SqliteThread } from './create-sqlite-db';
import { openSqlite } from './open-sqlite';
import { sqliteDialect } from './sqlite-dialect';

const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The thread the tests below expect the store's connection on (`main` makes them fail: mutation check). */
const thread: SqliteThread = 'worker';

describe('SQLite on a worker thread', () => {
  it('leaves the event loop free while a write waits for a lock, so this thread can release it', async () => {
    const path = join(dir, 'lock.db');
    // busy_timeout 20 s: on the event loop's thread the write below would block it that long, then fail.
    const db = createSqliteDb({ path, synchronous: 'full', busyTimeoutMs: 20_000, thread });
    const other = openSqlite(path);
    try {
      await sql`create table t (id integer primary key)`.execute(db);
      other.exec('begin immediate');
      other.exec('insert into t (id) values (1)');
      const write = sql`insert into t (id) values (2)`.execute(db);
      // Runs only if the event loop is free while the worker waits on the lock.
      const released = new Promise<string>((resolve) =>
        setTimeout(() => {
          other.exec('commit');
          resolve('released by the event loop');
        }, 50),
      );
      const first = await Promise.race([released, write.then(() => 'write done')]);
      expect(first).toBe('released by the event loop');
      await write;
      const { rows } = await sql<{ id: number }>`select id from t order by id`.execute(db);
      expect(rows.map((r) => r.id)).toEqual([1, 2]);
    } finally {
      other.close();
      await db.destroy();
    }
  });

  it('answers SQLite errors with their codes and keeps the transaction usable after a savepoint', async () => {
    const db = createSqliteDb({ path: join(dir, 'errors.db'), synchronous: 'normal', thread });
    try {
      await sql`create table t (id integer primary key, k text unique)`.execute(db);
      const error = await db.transaction().execute(async (trx) => {
        await sql`insert into t (id, k) values (1, 'a')`.execute(trx);
        await sql`savepoint s`.execute(trx);
        const duplicate = await sql`insert into t (id, k) values (2, 'a')`.execute(trx).catch((e: unknown) => e);
        await sql`rollback to savepoint s`.execute(trx);
        await sql`insert into t (id, k) values (3, 'b')`.execute(trx);
        return duplicate;
      });
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/UNIQUE constraint failed: t\.k/);
      expect(sqliteDialect.isUniqueViolation(error)).toBe(true);
      const { rows } = await sql<{ id: number }>`select id from t order by id`.execute(db);
      expect(rows.map((r) => r.id)).toEqual([1, 3]);
    } finally {
      await db.destroy();
    }
  });

  it('commits every write sent before destroy(), then refuses new ones', async () => {
    const path = join(dir, 'close.db');
    const db = createSqliteDb({ path, synchronous: 'full', thread });
    await sql`create table t (id integer primary key)`.execute(db);
    const writes = Array.from({ length: 50 }, (_, i) => sql`insert into t (id) values (${i})`.execute(db));
    await Promise.all(writes);
    await db.destroy();
    await expect(sql`select 1`.execute(db)).rejects.toThrow();
    const check = openSqlite(path, { readonly: true });
    try {
      expect(check.prepare('select count(*) as n from t').all([])).toEqual([{ n: 50 }]);
    } finally {
      check.close();
    }
  });

  it('lets a transaction under way finish and commit when destroy() is called in its middle', async () => {
    const path = join(dir, 'closing.db');
    const db = createSqliteDb({ path, synchronous: 'full', thread });
    await sql`create table t (id integer primary key)`.execute(db);
    let destroyed: Promise<void> | undefined;
    await db.transaction().execute(async (trx) => {
      await sql`insert into t (id) values (1)`.execute(trx);
      destroyed = db.destroy();
      await sql`insert into t (id) values (2)`.execute(trx);
    });
    await destroyed;
    await expect(sql`select 1`.execute(db)).rejects.toThrow();
    const check = openSqlite(path, { readonly: true });
    try {
      expect(check.prepare('select id from t order by id').all([])).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      check.close();
    }
  });

  it('reports a file it cannot open on the first query, and destroy() still ends the thread', async () => {
    const db = createSqliteDb({ path: join(dir, 'missing', '\0bad'), synchronous: 'normal', thread });
    await expect(sql`select 1`.execute(db)).rejects.toThrow();
    await db.destroy();
  });
});
