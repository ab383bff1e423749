/**
 * Pre-send hooks (issue 16, ADR 0030).
 *
 * - presend_hooks: the hooks an administrator configured: URL, signing secret (kept to
 *   sign, as a webhook's is; never returned after creation), filters (conversation ids
 *   and content types as JSON arrays; conversations null: all), deadline, policy and
 *   whether it is enabled.
 * - presend_changes: when a hook changed a message, the SHA-256 of what the sender had
 *   sent under its client id, so that a retry of that client id (after a lost ack) is
 *   answered with the stored message instead of `client_id_conflict`. No text is kept.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function presendHooksMigration(dialect: StoreDialect): Migration {
  const { key, int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('presend_hooks')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('conversation_ids', 'text')
        .addColumn('content_types', 'text', (c) => c.notNull())
        .addColumn('deadline_ms', int64, (c) => c.notNull())
        .addColumn('policy', key, (c) => c.notNull())
        .addColumn('enabled', int64, (c) => c.notNull().defaultTo(1))
        .addColumn('created_by', key)
        .addColumn('created_at', int64, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('presend_changes')
        .addColumn('sender_id', key, (c) => c.notNull())
        .addColumn('client_id', key, (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addPrimaryKeyConstraint('presend_changes_pk', ['sender_id', 'client_id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('presend_changes')}`.execute(db);
      await sql`drop table if exists ${sql.table('presend_hooks')}`.execute(db);
    },
  };
}
