/**
 * Web Push (issue 18): `push_subscriptions`, one row per browser push subscription,
 * owned by a session (deleting the session, at logout or expiry, deletes it) and unique
 * by endpoint (a browser that subscribes again under another session moves it);
 * `push_settings`, a user's do-not-disturb time. The VAPID key pair lives in
 * `server_settings` under `push.vapid`, written once (docs/notifications.md).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function pushMigration(dialect: StoreDialect): Migration {
  const { int64, key } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('push_subscriptions')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('session_id', key, (c) => c.notNull().references('sessions.id').onDelete('cascade'))
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('p256dh', 'text', (c) => c.notNull())
        .addColumn('auth', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addUniqueConstraint('push_subscriptions_endpoint_unique', ['endpoint'])
        .execute();
      await db.schema.createIndex('push_subscriptions_user_idx').on('push_subscriptions').column('user_id').execute();
      await db.schema
        .createIndex('push_subscriptions_session_idx')
        .on('push_subscriptions')
        .column('session_id')
        .execute();
      await db.schema
        .createTable('push_settings')
        .addColumn('user_id', key, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('dnd_until', int64)
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['push_settings', 'push_subscriptions']) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
    },
  };
}
