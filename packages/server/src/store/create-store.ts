/**
 * createStore: the store factory main.ts calls. Picks the dialect from the
 * options, opens the database, migrates it and returns a ready Store. It is the
 * only module that knows both dialect folders.
 */
import type { Logger } from '../ports/logger';
import type { Store } from '../ports/store';
import { KyselyStore } from './kysely-store';
import { createPostgresDb } from './postgres/create-postgres-db';
import { postgresDialect } from './postgres/postgres-dialect';
import { createSqliteDb, type SqliteThread } from './sqlite/create-sqlite-db';
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
    } & CommonOptions)
  | ({ db: 'postgres'; databaseUrl: string; schema: string; maxConnections?: number } & CommonOptions);

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
          }),
          sqliteDialect,
          runtime,
        )
      : new KyselyStore(await createPostgresDb(options), postgresDialect(options.schema), runtime);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
