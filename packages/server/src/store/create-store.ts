/**
 * createStore: the store factory main.ts calls. Picks the dialect from the
 * options, opens the database, migrates it and returns a ready Store. It is the
 * only module that knows both dialect folders.
 */
import type { Logger } from '../ports/logger';
import type { Store } from '../ports/store';
import { KyselyStore } from './kysely-store';
import { createSqliteDb, type SqliteFsync, type SqliteThread } from './sqlite/create-sqlite-db';
import { sqliteDialect } from './sqlite/sqlite-dialect';

interface CommonOptions {
  logger?: Logger;
  groupCommitMax?: number;
  /** Who writes outbox rows: the node id, or `admin` for the CLI's admin commands (no relay of their own). */
  eventOrigin?: string;
}

export type StoreOptions =
  | ({
      db: 'sqlite';
      sqlitePath: string;
      synchronous: 'full' | 'normal';
      /** Where the connection runs (default `main`; `worker`: its own thread, off the event loop). */
      thread?: SqliteThread;
      /** With `synchronous: 'full'` on the main thread: the commit's fsync on the thread pool (default) or inline. */
      fsync?: SqliteFsync;
    } & CommonOptions)
  | ({ db: 'postgres'; databaseUrl: string; schema: string; maxConnections?: number } & CommonOptions);

type PostgresOptions = Extract<StoreOptions, { db: 'postgres' }>;
type Runtime = ConstructorParameters<typeof KyselyStore>[2];

/** Imported only for a PostgreSQL store: a single SQLite node never loads pg. */
async function openPostgresStore(options: PostgresOptions, runtime: Runtime): Promise<KyselyStore> {
  const [{ createPostgresDb }, { postgresDialect }] = await Promise.all([
    import('./postgres/create-postgres-db'),
    import('./postgres/postgres-dialect'),
  ]);
  return new KyselyStore(await createPostgresDb(options), postgresDialect(options.schema), runtime);
}

export async function createStore(options: StoreOptions): Promise<Store> {
  const runtime = {
    ...(options.groupCommitMax === undefined ? {} : { groupCommitMax: options.groupCommitMax }),
    ...(options.eventOrigin === undefined ? {} : { eventOrigin: options.eventOrigin }),
  };
  const store =
    options.db === 'sqlite'
      ? new KyselyStore(
          createSqliteDb({
            path: options.sqlitePath,
            synchronous: options.synchronous,
            ...(options.thread === undefined ? {} : { thread: options.thread }),
            ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
          }),
          sqliteDialect,
          runtime,
        )
      : await openPostgresStore(options, runtime);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
