/**
 * The event path of a cluster: the transactional outbox (events recorded in the
 * transaction of the write that causes them, published after the commit by the
 * relay, taken over by another node when their node dies) and the store's epoch
 * (a random identity that clients keep with their cursors, so that a cursor from
 * another store, or from before a restore, is recognised instead of trusted).
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function eventsMigration(dialect: StoreDialect): Migration {
  const { key, int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('outbox')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('origin', key, (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('claimed_until', int64)
        .execute();
      await db.schema.createIndex('outbox_created_idx').on('outbox').columns(['created_at']).execute();
      await db.schema
        .createTable('store_meta')
        .addColumn('key', key, (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into ${sql.table('store_meta')} (key, value) values ('epoch', ${randomBytes(9).toString('base64url')})`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('outbox')}`.execute(db);
      await sql`drop table if exists ${sql.table('store_meta')}`.execute(db);
    },
  };
}
