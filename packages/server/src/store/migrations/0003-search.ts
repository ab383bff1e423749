/**
 * Full-text search (issue 4): the dialect's index structures (SQLite FTS5 or a
 * PostgreSQL tsvector under GIN, see StoreDialect.search), then every text
 * message already stored, in pages by id so that a large history never sits in
 * memory at once. Runs after 0003-rich, which added messages.kind and deleted_at.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { MessageContent } from '@parley/protocol';
import type { Database } from '../db-schema';
import type { StoreDialect } from '../dialect';

const PAGE = 500;

export function searchMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await dialect.search.create(db);
      const typed = db as unknown as Kysely<Database>;
      let after = '';
      for (;;) {
        const rows = await typed
          .selectFrom('messages')
          .select(['id', 'content'])
          .where('kind', '=', 'message')
          .where('deleted_at', 'is', null)
          .where('id', '>', after)
          .orderBy('id')
          .limit(PAGE)
          .execute();
        for (const row of rows) {
          const content = JSON.parse(row.content) as MessageContent;
          if (content.type === 'text') await dialect.search.put(typed, row.id, content.text);
        }
        const last = rows.at(-1);
        if (!last || rows.length < PAGE) break;
        after = last.id;
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const name of ['message_search', 'search_docs']) {
        await sql`drop table if exists ${sql.table(name)}`.execute(db);
      }
    },
  };
}
