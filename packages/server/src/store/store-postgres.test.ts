/**
 * Runs the Store contract on PostgreSQL: a fresh schema per store, dropped
 * afterwards. Unreachable PostgreSQL fails the run in CI and skips it elsewhere.
 */
import { describe } from 'vitest';
import { createStore } from './create-store';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from './postgres/test-database';
import { storeContract } from './store.contract';

const available = await requirePostgres();

describe.runIf(available)('postgres', () => {
  storeContract('postgres', async () => {
    const schema = randomSchemaName('store');
    const store = await createStore({ db: 'postgres', databaseUrl: pgTestUrl(), schema }).catch(
      async (error: unknown) => {
        // createStore may fail after creating the schema: do not leave it behind.
        await dropSchema(schema);
        throw error;
      },
    );
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });
});
