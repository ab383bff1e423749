/**
 * Push decisions completed (issue 18, ADR 0028):
 *
 * - push_settings gains a user's daily quiet hours: minutes after local midnight of the
 *   start and the end, and the IANA zone they are read in (all null: none).
 * - device_focus: the conversation a device (session) shows in front of its user, until
 *   `expires_at`; the connection that reported it clears it when it closes. One row per
 *   session (its latest report). Pushes of that conversation wait while any row of the
 *   user is live.
 * - push_decisions: the latest decisions about the user's devices ("why was I, or was I
 *   not, notified"), at most PUSH_DECISIONS_KEPT per user; `delivery` follows a sent push.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function pushDecisionsMigration(dialect: StoreDialect): Migration {
  const { int64, key } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('push_settings').addColumn('quiet_start', 'integer').execute();
      await db.schema.alterTable('push_settings').addColumn('quiet_end', 'integer').execute();
      await db.schema.alterTable('push_settings').addColumn('quiet_time_zone', 'text').execute();
      await db.schema
        .createTable('device_focus')
        .addColumn('session_id', key, (c) => c.primaryKey().references('sessions.id').onDelete('cascade'))
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('conversation_id', key, (c) => c.notNull())
        .addColumn('connection_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', int64, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('device_focus_conversation_idx')
        .on('device_focus')
        .columns(['conversation_id', 'expires_at'])
        .execute();
      await db.schema
        .createTable('push_decisions')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('subscription_id', key, (c) => c.notNull())
        .addColumn('conversation_id', key)
        .addColumn('message_id', key)
        .addColumn('at', int64, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('delivery', 'text')
        .execute();
      await db.schema.createIndex('push_decisions_user_idx').on('push_decisions').columns(['user_id', 'at']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['push_decisions', 'device_focus']) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
      for (const column of ['quiet_time_zone', 'quiet_end', 'quiet_start']) {
        await db.schema.alterTable('push_settings').dropColumn(column).execute();
      }
    },
  };
}
