/**
 * Opens the SQLite database file behind the store and wraps it in Kysely. Owns
 * nothing after that: closing goes through Kysely's destroy().
 *
 * By default the connection is used synchronously on the calling thread
 * (better-sqlite3 or node:sqlite); `thread: 'worker'` puts it on a worker thread
 * (worker-dialect.ts), so that SQLite's work and its fsyncs never stall the event
 * loop that serves sockets, at one round trip between threads per statement
 * (ADR 0010 says why `main` stays the default). Either way Kysely's SQLite driver serializes every query
 * and transaction on the one connection, so appends never race here.
 */
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../db-schema';
import { openStoreFile, type SqliteOptions } from './open-store-file';
import { WorkerSqliteDialect } from './worker-dialect';

export type { SqliteOptions } from './open-store-file';

/** Where the SQLite connection runs: its own worker thread, or the event loop's thread. */
export type SqliteThread = 'worker' | 'main';

export function createSqliteDb(options: SqliteOptions & { thread?: SqliteThread }): Kysely<Database> {
  const { thread = 'main', ...file } = options;
  if (thread === 'worker') return new Kysely<Database>({ dialect: new WorkerSqliteDialect(file) });
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: openStoreFile(file) }) });
}
