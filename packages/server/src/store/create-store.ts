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
import { createSqliteDb } from './sqlite/create-sqlite-db';
import { sqliteDialect } from './sqlite/sqlite-dialect';

export type StoreOptions =
  | { db: 'sqlite'; sqlitePath: string; synchronous: 'full' | 'normal'; logger?: Logger; groupCommitMax?: number }
  | {
      db: 'postgres';
      databaseUrl: string;
      schema: string;
      maxConnections?: number;
      logger?: Logger;
      groupCommitMax?: number;
    };

export async function createStore(options: StoreOptions): Promise<Store> {
  const store =
    options.db === 'sqlite'
      ? new KyselyStore(
          createSqliteDb({ path: options.sqlitePath, synchronous: options.synchronous }),
          sqliteDialect,
          options.groupCommitMax,
        )
      : new KyselyStore(await createPostgresDb(options), postgresDialect(options.schema), options.groupCommitMax);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
