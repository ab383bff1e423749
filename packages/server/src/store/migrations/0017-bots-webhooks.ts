/**
 * Bots and webhooks (issue 16). A bot is a user row with `bot` = 1 and an `owner_id`
 * (the user who created it); its tokens are sessions of that user that do not expire
 * (only their SHA-256 is stored). `webhook_subscriptions` are a bot's outgoing
 * webhooks: URL, signing secret (kept to sign; never returned after creation), event
 * types and conversations (JSON arrays; conversations null: every conversation the
 * bot is in). `webhook_deliveries` are the messages sent to one subscription (their id
 * is the `webhook-id` header, the same on every attempt); `webhook_attempts` record
 * every try. `incoming_webhooks` are secret URLs posting into one conversation as a bot.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function botsWebhooksMigration(dialect: StoreDialect): Migration {
  const { key, int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('users')
        .addColumn('bot', int64, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('users').addColumn('owner_id', key).execute();
      await db.schema.createIndex('users_owner_idx').on('users').columns(['owner_id']).execute();
      await db.schema
        .createTable('webhook_subscriptions')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('bot_id', key, (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('event_types', 'text', (c) => c.notNull())
        .addColumn('conversation_ids', 'text')
        .addColumn('enabled', int64, (c) => c.notNull().defaultTo(1))
        .addColumn('disabled_reason', 'text')
        .addColumn('created_by', key, (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_subscriptions_bot_idx')
        .on('webhook_subscriptions')
        .columns(['bot_id'])
        .execute();
      // The dispatcher reads the enabled subscriptions for every batch of posts: by index, never
      // a scan of the whole table (packages/server/test/large-channel.test.ts checks each plan).
      await db.schema
        .createIndex('webhook_subscriptions_enabled_idx')
        .on('webhook_subscriptions')
        .columns(['enabled'])
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('subscription_id', key, (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', int64, (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('next_attempt_at', int64)
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_sub_idx')
        .on('webhook_deliveries')
        .columns(['subscription_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('webhook_attempts')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('delivery_id', key, (c) => c.notNull())
        .addColumn('subscription_id', key, (c) => c.notNull())
        .addColumn('attempt', int64, (c) => c.notNull())
        .addColumn('started_at', int64, (c) => c.notNull())
        .addColumn('duration_ms', int64, (c) => c.notNull())
        .addColumn('status_code', int64)
        .addColumn('error', 'text')
        .addColumn('response', 'text')
        .execute();
      await db.schema
        .createIndex('webhook_attempts_sub_idx')
        .on('webhook_attempts')
        .columns(['subscription_id', 'started_at'])
        .execute();
      await db.schema
        .createIndex('webhook_attempts_delivery_idx')
        .on('webhook_attempts')
        .columns(['delivery_id'])
        .execute();
      await db.schema
        .createTable('incoming_webhooks')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('bot_id', key, (c) => c.notNull())
        .addColumn('conversation_id', key, (c) => c.notNull())
        .addColumn('token_hash', key, (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_by', key, (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('incoming_webhooks_bot_idx').on('incoming_webhooks').columns(['bot_id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['incoming_webhooks', 'webhook_attempts', 'webhook_deliveries', 'webhook_subscriptions']) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
      await sql`drop index if exists ${sql.id('users_owner_idx')}`.execute(db);
      await db.schema.alterTable('users').dropColumn('owner_id').execute();
      await db.schema.alterTable('users').dropColumn('bot').execute();
    },
  };
}
