/**
 * Opens the SQLite database file behind the store: creates its directory, sets
 * the pragmas durability depends on, and wraps it in Kysely. Owns nothing after
 * that: closing goes through Kysely's destroy().
 *
 * better-sqlite3 is synchronous and Kysely's SQLite driver serializes every
 * query and transaction on the one connection, so appends never race here.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from '../db-schema';

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
  const sqlite = new BetterSqlite3(options.path);
  try {
    if (!inMemory) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
}

/** Distinct SQL texts kept prepared; the store issues a few dozen, so this is never reached in practice. */
const STATEMENT_CACHE_MAX = 500;

/**
 * Kysely prepares every query anew, which cost about 8% of the server's CPU under
 * load. The store issues a small, fixed set of SQL texts (values are parameters),
 * so each is prepared once. Safe because queries run one at a time on this
 * connection and none is streamed (a statement being iterated cannot be reused).
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(source: string): SqliteStatement {
      let statement = cache.get(source);
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_MAX) cache.clear();
        statement = sqlite.prepare(source);
        cache.set(source, statement);
      }
      return statement;
    },
  };
}
