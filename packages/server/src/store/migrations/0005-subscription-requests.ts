/**
 * Presence subscription requests (RFC 6121 3.1) that wait for an answer: the
 * requester asked to see the target's presence, and the target has not yet
 * approved (by adding the requester as a contact) or denied. One row per pair.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function subscriptionRequestsMigration(dialect: StoreDialect): Migration {
  const { key, int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('subscription_requests')
        .addColumn('requester_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('target_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', int64, (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_requests_pk', ['requester_id', 'target_id'])
        .execute();
      await db.schema
        .createIndex('subscription_requests_target_idx')
        .on('subscription_requests')
        .columns(['target_id', 'created_at'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('subscription_requests')}`.execute(db);
    },
  };
}
