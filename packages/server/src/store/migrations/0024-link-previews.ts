/**
 * Link previews (issue 13, ADR 0017):
 * - `messages.link_previews`: the previews attached after the message was stored (JSON
 *   LinkPreview[]; null: none yet, or none to show);
 * - `messages.link_previews_off`: 1 when the sender sent the message without previews or
 *   removed them later; the preview job then leaves the message alone;
 * - `link_preview_cache`: one row per fetched URL (keyed by the SHA-256 of the URL, so the
 *   key stays short whatever the URL's length), with the result (JSON LinkPreview, or null
 *   when the page gave none) and when it was fetched. Rows older than
 *   PARLEY_LINK_PREVIEW_CACHE_SECONDS are fetched again, and pruned.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function linkPreviewsMigration(dialect: StoreDialect): Migration {
  const { int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('messages').addColumn('link_previews', 'text').execute();
      await db.schema
        .alterTable('messages')
        .addColumn('link_previews_off', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('link_preview_cache')
        .addColumn('url_hash', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('result', 'text')
        .addColumn('fetched_at', int64, (c) => c.notNull())
        .execute();
      // Pruning reads the oldest rows.
      await db.schema
        .createIndex('link_preview_cache_fetched_idx')
        .on('link_preview_cache')
        .column('fetched_at')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('link_preview_cache')}`.execute(db);
      await db.schema.alterTable('messages').dropColumn('link_previews_off').execute();
      await db.schema.alterTable('messages').dropColumn('link_previews').execute();
    },
  };
}
