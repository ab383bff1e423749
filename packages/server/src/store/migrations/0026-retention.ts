/**
 * Retention that really deletes (issue 19, docs/adr/0019).
 *
 * - conversations.retention_days: the conversation's own period (null: the server's policy).
 * - retention_holds: a legal hold on a user's messages or on a conversation; while one is in
 *   place the retention job deletes none of them.
 * - leases: a named lease (`retention`) that one node at a time holds while it runs a batch.
 * - messages.target_id (the message an `update` entry changes) and messages.reply_to_id (the
 *   message a reply quotes), both indexed: deleting a message finds the entries that still
 *   carry its text (an edit, a quote's excerpt) by index instead of scanning the conversation.
 *   Existing rows are filled in pages from the JSON they already hold.
 * - messages(created_at): the job finds what is older than a cutoff by index;
 *   messages(sender_id, created_at, id): an export pages through one user's messages.
 * - The search index's own hardening (SQLite: FTS5 `secure-delete`, so that a deleted
 *   message's tokens leave the index's pages at once instead of waiting for a merge).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Database } from '../db-schema';
import type { StoreDialect } from '../dialect';

/** Rows read per page while filling the new columns. */
const PAGE = 1000;

async function backfill(db: Kysely<Database>): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('messages')
      .select(['id', 'kind', 'content', 'reply_to'])
      .where('id', '>', after)
      .where((eb) => eb.or([eb('kind', '=', 'update'), eb('reply_to', 'is not', null)]))
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const target = row.kind === 'update' ? (JSON.parse(row.content) as { messageId?: string }).messageId : undefined;
      const reply = row.reply_to ? (JSON.parse(row.reply_to) as { messageId?: string }).messageId : undefined;
      if (target === undefined && reply === undefined) continue;
      await db
        .updateTable('messages')
        .set({ target_id: target ?? null, reply_to_id: reply ?? null })
        .where('id', '=', row.id)
        .execute();
    }
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) return;
    after = last.id;
  }
}

export function retentionMigration(dialect: StoreDialect): Migration {
  const { key, int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('conversations').addColumn('retention_days', int64).execute();
      await db.schema.alterTable('messages').addColumn('target_id', key).execute();
      await db.schema.alterTable('messages').addColumn('reply_to_id', key).execute();
      // Partial: most rows are neither an update nor a reply, and a post then writes no entry here.
      await db.schema
        .createIndex('messages_target_idx')
        .on('messages')
        .column('target_id')
        .where(sql.ref('target_id'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('messages_reply_to_idx')
        .on('messages')
        .column('reply_to_id')
        .where(sql.ref('reply_to_id'), 'is not', null)
        .execute();
      await db.schema.createIndex('messages_created_idx').on('messages').column('created_at').execute();
      // Exports of one user's messages page through them in time order.
      await db.schema
        .createIndex('messages_sender_created_idx')
        .on('messages')
        .columns(['sender_id', 'created_at', 'id'])
        .execute();
      await db.schema
        .createTable('retention_holds')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('target_id', key, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', int64, (c) => c.notNull())
        .addUniqueConstraint('retention_holds_target_unique', ['kind', 'target_id'])
        .execute();
      await db.schema
        .createTable('leases')
        .addColumn('name', key, (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('until', int64, (c) => c.notNull())
        .execute();
      await backfill(db);
      await dialect.search.harden(db);
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('leases')}`.execute(db);
      await sql`drop table if exists ${sql.table('retention_holds')}`.execute(db);
      await sql`drop index if exists ${sql.table('messages_sender_created_idx')}`.execute(db);
      await sql`drop index if exists ${sql.table('messages_created_idx')}`.execute(db);
      await sql`drop index if exists ${sql.table('messages_reply_to_idx')}`.execute(db);
      await sql`drop index if exists ${sql.table('messages_target_idx')}`.execute(db);
      await db.schema.alterTable('messages').dropColumn('reply_to_id').execute();
      await db.schema.alterTable('messages').dropColumn('target_id').execute();
      await db.schema.alterTable('conversations').dropColumn('retention_days').execute();
    },
  };
}
