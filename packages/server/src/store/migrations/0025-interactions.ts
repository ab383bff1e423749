/**
 * Slash commands, interactions and dead letters (issue 16, ADR 0018).
 * `bot_commands`: the commands a bot registered (one row per bot and name; the typed
 * options as JSON). `interactions`: one row per command invocation or component click,
 * with the bot's deadline and what became of it (`pending`, `deferred`, `answered`,
 * `timed_out`); the bot answers through it, and the ephemeral reply is kept there, for the
 * invoker only, never in the conversation's history. `outbox.dispatch_attempts` counts the
 * dispatcher's failed tries of one event; `dead_letters` keeps the events and jobs that
 * failed too often, out of the way of the rest, until an admin retries or drops them.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function interactionsMigration(dialect: StoreDialect): Migration {
  const { key, int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('outbox')
        .addColumn('dispatch_attempts', int64, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('dead_letters')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('attempts', int64, (c) => c.notNull())
        .addColumn('last_error', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('failed_at', int64, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dead_letters_failed_idx').on('dead_letters').columns(['failed_at']).execute();
      await db.schema
        .createTable('bot_commands')
        .addColumn('bot_id', key, (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull())
        .addColumn('updated_at', int64, (c) => c.notNull())
        .addPrimaryKeyConstraint('bot_commands_pk', ['bot_id', 'name'])
        .execute();
      await db.schema
        .createTable('interactions')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('bot_id', key, (c) => c.notNull())
        .addColumn('user_id', key, (c) => c.notNull())
        .addColumn('conversation_id', key, (c) => c.notNull())
        .addColumn('message_id', key)
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('deadline_at', int64, (c) => c.notNull())
        .addColumn('expires_at', int64, (c) => c.notNull())
        .addColumn('reply', 'text')
        .addColumn('created_at', int64, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('interactions_expires_idx').on('interactions').columns(['expires_at']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('interactions')}`.execute(db);
      await sql`drop table if exists ${sql.table('bot_commands')}`.execute(db);
      await sql`drop table if exists ${sql.table('dead_letters')}`.execute(db);
      await db.schema.alterTable('outbox').dropColumn('dispatch_attempts').execute();
    },
  };
}
