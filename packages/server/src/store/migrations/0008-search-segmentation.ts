/**
 * Search that finds what people wrote (issue 10): the index now holds the tokens of
 * domain/search-text.ts as they are today (diacritics folded, Chinese, Japanese and
 * Thai as character pairs), so every message indexed before is written again. On
 * SQLite the FTS5 table is created anew with the `ascii` tokenizer, which keeps
 * each of our tokens whole (`unicode61` split Thai at its vowel signs, so that a
 * query found what PostgreSQL did not); on PostgreSQL the tsvectors are rebuilt. Re-running it
 * after a crash is safe: it drops and rebuilds from the messages. There is no way
 * down: the old tokens came from code that no longer exists.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect';
import { dropSearchIndex, REINDEX_PAGE, reindexSearch } from './search-reindex';

export function searchSegmentationMigration(dialect: StoreDialect, page: number = REINDEX_PAGE): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await dropSearchIndex(db);
      await dialect.search.create(db);
      await reindexSearch(db, dialect, page);
    },
  };
}
