/**
 * Opens the SQLite database file behind the store and wraps it in Kysely. Owns
 * nothing after that: closing goes through Kysely's destroy().
 *
 * By default the connection is used synchronously on the calling thread
 * (better-sqlite3 or node:sqlite), and with `synchronous: 'full'` the fsync of each
 * commit runs on libuv's thread pool before the write is answered (ADR 0022;
 * `fsync: 'inline'` keeps SQLite's own, which stalls the event loop for every
 * commit); `thread: 'worker'` puts the whole connection on a worker thread
 * (worker-dialect.ts), so that SQLite's work and its fsyncs never stall the event
 * loop that serves sockets, at one round trip between threads per statement
 * (ADR 0010 says why `main` stays the default). Either way Kysely's SQLite driver serializes every query
 * and transaction on the one connection, so appends never race here.
 */
import { Kysely } from 'kysely';
import type { Database } from '../db-schema';
import { MainThreadSqliteDialect } from './main-thread-dialect';
import { openStoreFile, type SqliteOptions } from './open-store-file';
import { WalSyncer } from './wal-syncer';
import { WorkerSqliteDialect } from './worker-dialect';

export type { SqliteOptions } from './open-store-file';

/** Where the SQLite connection runs: its own worker thread, or the event loop's thread. */
export type SqliteThread = 'worker' | 'main';

/** Who makes a commit durable under `synchronous: 'full'`: a thread-pool fsync, or SQLite inline. */
export type SqliteFsync = 'background' | 'inline';

export function createSqliteDb(
  options: SqliteOptions & { thread?: SqliteThread; fsync?: SqliteFsync },
): Kysely<Database> {
  const { thread = 'main', fsync = 'background', ...file } = options;
  if (thread === 'worker') return new Kysely<Database>({ dialect: new WorkerSqliteDialect(file) });
  if (fsync === 'background' && file.synchronous === 'full' && file.path !== ':memory:') {
    const database = openStoreFile({ ...file, synchronous: 'normal' });
    return new Kysely<Database>({ dialect: new MainThreadSqliteDialect({ database }, new WalSyncer(file.path)) });
  }
  return new Kysely<Database>({ dialect: new MainThreadSqliteDialect({ database: openStoreFile(file) }) });
}
