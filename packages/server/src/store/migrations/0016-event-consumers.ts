/**
 * Durable consumers of the event path (ADR 0011). An outbox row now stays until both
 * the bus relay has published it (`published`) and, for the event types that durable
 * consumers read (`dispatch` = 1: message entries), the dispatcher has turned it into
 * jobs. `jobs` is the work queue that any node runs: a kind, a JSON payload, when it is
 * due, how often it was tried, and a time-limited lease (`lease_until`, `lease_token`)
 * so that a job is never run by two nodes at once and a dead node's job is taken over.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function eventConsumersMigration(dialect: StoreDialect): Migration {
  const { key, int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('outbox')
        .addColumn('published', int64, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('outbox')
        .addColumn('dispatch', int64, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('outbox_dispatch_idx').on('outbox').columns(['dispatch', 'created_at']).execute();
      await db.schema
        .createTable('jobs')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('due_at', int64, (c) => c.notNull())
        .addColumn('attempts', int64, (c) => c.notNull().defaultTo(0))
        .addColumn('lease_until', int64)
        .addColumn('lease_token', 'text')
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['due_at']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('jobs')}`.execute(db);
      await sql`drop index if exists ${sql.id('outbox_dispatch_idx')}`.execute(db);
      await db.schema.alterTable('outbox').dropColumn('dispatch').execute();
      await db.schema.alterTable('outbox').dropColumn('published').execute();
    },
  };
}
