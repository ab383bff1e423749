/**
 * Opens the SQLite database file behind the store: creates its directory, sets
 * the pragmas durability depends on, and wraps it in Kysely. Owns nothing after
 * that: closing goes through Kysely's destroy().
 *
 * The driver (open-sqlite.ts) is synchronous and Kysely's SQLite driver
 * serializes every query and transaction on the one connection, so appends
 * never race here.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../db-schema';
import { openSqlite } from './open-sqlite';

export interface SqliteOptions {
  /** File path, or ':memory:' (tests only: nothing survives close). */
  path: string;
  /** 'full' survives power loss; 'normal' survives kill -9 but may lose the last commits on power loss. */
  synchronous: 'full' | 'normal';
  /** How long a writer waits for another process's lock (a backup, the CLI) before failing. */
  busyTimeoutMs?: number;
}

export function createSqliteDb(options: SqliteOptions): Kysely<Database> {
  const inMemory = options.path === ':memory:';
  if (!inMemory) mkdirSync(dirname(resolve(options.path)), { recursive: true });
  const sqlite = openSqlite(options.path);
  try {
    if (!inMemory) sqlite.exec('pragma journal_mode = WAL');
    sqlite.exec(`pragma synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    sqlite.exec('pragma foreign_keys = ON');
    sqlite.exec(`pragma busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
