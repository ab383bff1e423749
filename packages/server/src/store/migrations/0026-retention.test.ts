/**
 * Migration 0026-retention on a store that already has update entries and replies, on SQLite
 * and PostgreSQL: `target_id` and `reply_to_id` are filled from the JSON the rows hold, so
 * the deletion routine finds the edits and quotes of messages written before the upgrade.
 */
import { Migrator, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db-schema';
import type { StoreDialect } from '../dialect';
import { createPostgresDb } from '../postgres/create-postgres-db';
import { postgresDialect } from '../postgres/postgres-dialect';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../postgres/test-database';
import { createSqliteDb } from '../sqlite/create-sqlite-db';
import { sqliteDialect } from '../sqlite/sqlite-dialect';
import { migrateToLatest, migrations } from './index';

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
  describe.runIf(backend.enabled)(`migration 0026-retention (${backend.name})`, () => {
    it('fills target_id and reply_to_id of the rows already stored', async () => {
      const { db, dialect, cleanup: drop } = await backend.open();
      try {
        const earlier = Object.fromEntries(Object.entries(migrations(dialect)).filter(([name]) => name < '0026'));
        const migrator = new Migrator({
          db,
          provider: { getMigrations: () => Promise.resolve(earlier) },
          ...(dialect.migrationSchema === undefined ? {} : { migrationTableSchema: dialect.migrationSchema }),
        });
        expect((await migrator.migrateToLatest()).error).toBeUndefined();
        const raw = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
        await raw
          .insertInto('conversations')
          .values({ id: 'c1', kind: 'group', title: 'old', created_at: 1, last_seq: 3, last_activity_at: 1 })
          .execute();
        const row = (id: string, seq: number, content: unknown, extra: Record<string, unknown> = {}) => ({
          id,
          conversation_id: 'c1',
          seq,
          sender_id: 'u1',
          client_id: id,
          content: JSON.stringify(content),
          created_at: seq,
          kind: 'message',
          ...extra,
        });
        await raw
          .insertInto('messages')
          .values([
            row('m1', 1, { type: 'text', text: 'first' }),
            row('m2', 2, { type: 'update', action: 'edited', messageId: 'm1', text: 'first!' }, { kind: 'update' }),
            row(
              'm3',
              3,
              { type: 'text', text: 'reply' },
              {
                reply_to: JSON.stringify({ messageId: 'm1', seq: 1, senderId: 'u1', excerpt: 'first' }),
              },
            ),
          ])
          .execute();

        await migrateToLatest(db, dialect);

        const rows = await db.selectFrom('messages').select(['id', 'target_id', 'reply_to_id']).orderBy('id').execute();
        expect(rows).toEqual([
          { id: 'm1', target_id: null, reply_to_id: null },
          { id: 'm2', target_id: 'm1', reply_to_id: null },
          { id: 'm3', target_id: null, reply_to_id: 'm1' },
        ]);
      } finally {
        await db.destroy();
        await drop();
      }
    });
  });
}
