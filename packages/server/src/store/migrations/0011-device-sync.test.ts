/**
 * Migration 0011-device-sync on a store that already has members, on SQLite and
 * PostgreSQL: each existing membership starts at its delivered cursor (what sync used
 * for it until then), so no device with state is sent a conversation's whole past.
 */
import { Migrator, type Kysely, type Migration } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db-schema';
import type { StoreDialect } from '../dialect';
import { createPostgresDb } from '../postgres/create-postgres-db';
import { postgresDialect } from '../postgres/postgres-dialect';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../postgres/test-database';
import { createSqliteDb } from '../sqlite/create-sqlite-db';
import { sqliteDialect } from '../sqlite/sqlite-dialect';
import { initialMigration } from './0001-initial';
import { scramMigration } from './0002-scram';
import { richMigration } from './0003-rich';
import { searchMigration } from './0003-search';
import { filesMigration } from './0004-files';
import { subscriptionRequestsMigration } from './0005-subscription-requests';
import { migrateToLatest } from './index';

/** The migrations that came before 0011. */
function before(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-scram': scramMigration(dialect),
    '0003-rich': richMigration(dialect),
    '0003-search': searchMigration(dialect),
    '0004-files': filesMigration(dialect),
    '0005-subscription-requests': subscriptionRequestsMigration(dialect),
  };
}

const postgresAvailable = await requirePostgres();

const backends: {
  name: string;
  enabled: boolean;
  open: () => Promise<{ db: Kysely<Database>; dialect: StoreDialect; cleanup: () => Promise<void> }>;
}[] = [
  {
    name: 'sqlite',
    enabled: true,
    open: () =>
      Promise.resolve({
        db: createSqliteDb({ path: ':memory:', synchronous: 'normal' }),
        dialect: sqliteDialect,
        cleanup: () => Promise.resolve(),
      }),
  },
  {
    name: 'postgres',
    enabled: postgresAvailable,
    open: async () => {
      const schema = randomSchemaName('mig');
      return {
        db: await createPostgresDb({ databaseUrl: pgTestUrl(), schema }),
        dialect: postgresDialect(schema),
        cleanup: () => dropSchema(schema),
      };
    },
  },
];

for (const backend of backends) {
  describe.runIf(backend.enabled)(`migration 0011-device-sync (${backend.name})`, () => {
    it('starts existing memberships at their delivered cursor', async () => {
      const { db, dialect, cleanup: drop } = await backend.open();
      try {
        const migrator = new Migrator({
          db,
          provider: { getMigrations: () => Promise.resolve(before(dialect)) },
          ...(dialect.migrationSchema === undefined ? {} : { migrationTableSchema: dialect.migrationSchema }),
        });
        const { error } = await migrator.migrateToLatest();
        expect(error).toBeUndefined();
        const raw = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
        await raw
          .insertInto('users')
          .values(['u1', 'u2'].map((id) => ({ id, username: id, display_name: id, password_hash: 'x', created_at: 1 })))
          .execute();
        await raw
          .insertInto('conversations')
          .values({ id: 'c1', kind: 'group', title: 'old', created_at: 1, last_seq: 9, last_activity_at: 1 })
          .execute();
        await raw
          .insertInto('members')
          .values([
            { conversation_id: 'c1', user_id: 'u1', role: 'owner', joined_at: 1, read_seq: 4, delivered_seq: 7 },
            { conversation_id: 'c1', user_id: 'u2', role: 'member', joined_at: 1, read_seq: 0, delivered_seq: 0 },
          ])
          .execute();

        await migrateToLatest(db, dialect);

        const rows = await db
          .selectFrom('members')
          .select(['user_id', 'start_seq'])
          .where('conversation_id', '=', 'c1')
          .orderBy('user_id')
          .execute();
        expect(rows.map((r) => [r.user_id, Number(r.start_seq)])).toEqual([
          ['u1', 7],
          ['u2', 0],
        ]);
      } finally {
        await db.destroy();
        await drop();
      }
    });
  });
}
