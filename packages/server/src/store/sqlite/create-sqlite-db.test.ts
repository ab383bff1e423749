/**
 * The SQLite connection settings durability depends on: WAL, the chosen
 * synchronous level, foreign keys, busy timeout, and the parent directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDb } from './create-sqlite-db';
import { sqliteDialect } from './sqlite-dialect';

const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pragma(db: ReturnType<typeof createSqliteDb>, name: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.raw(`pragma_${name}`)}`.execute(db);
  return Object.values(rows[0] ?? {})[0];
}

describe('createSqliteDb', () => {
  it('creates the parent directory and sets the pragmas', async () => {
    // full with the fsync on the thread pool (the default) commits with NORMAL and syncs the WAL itself (ADR 0022).
    for (const [synchronous, fsync, level] of [
      ['full', 'inline', 2],
      ['full', 'background', 1],
      ['normal', 'background', 1],
    ] as const) {
      const path = join(dir, `${synchronous}-${fsync}`, 'nested', 'p.db');
      const db = createSqliteDb({ path, synchronous, fsync, busyTimeoutMs: 1234 });
      try {
        expect(await pragma(db, 'journal_mode')).toBe('wal');
        expect(await pragma(db, 'synchronous')).toBe(level);
        expect(await pragma(db, 'foreign_keys')).toBe(1);
        expect(await pragma(db, 'busy_timeout')).toBe(1234);
      } finally {
        await db.destroy();
      }
    }
  });

  it('recognizes unique violations and nothing else', async () => {
    const db = createSqliteDb({ path: ':memory:', synchronous: 'normal' });
    try {
      await sql`create table t (id integer primary key, k text unique)`.execute(db);
      await sql`insert into t (id, k) values (1, 'a')`.execute(db);
      const unique = await sql`insert into t (id, k) values (2, 'a')`.execute(db).catch((e: unknown) => e);
      const syntax = await sql`insert into nowhere values (1)`.execute(db).catch((e: unknown) => e);
      expect(sqliteDialect.isUniqueViolation(unique)).toBe(true);
      expect(sqliteDialect.isUniqueViolation(syntax)).toBe(false);
    } finally {
      await db.destroy();
    }
  });
});
