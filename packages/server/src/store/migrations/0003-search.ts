/**
 * Full-text search (issue 4): the dialect's index structures (SQLite FTS5 or a
 * PostgreSQL tsvector under GIN, see StoreDialect.search), then every text
 * message already stored, in pages by id so that a large history never sits in
 * memory at once. Runs after 0003-rich, which added messages.kind and deleted_at.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect';
import { dropSearchIndex, reindexSearch } from './search-reindex';

export function searchMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await dialect.search.create(db);
      await reindexSearch(db, dialect);
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await dropSearchIndex(db);
    },
  };
}
