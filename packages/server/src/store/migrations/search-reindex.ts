/**
 * Shared by the search migrations (0003-search, 0008-search-segmentation): drop the
 * index structures of either dialect, and write the index entry of every searchable
 * message again, page by page (by id), so that a large history never sits in memory
 * at once. On SQLite, where migrations run outside a transaction, each page commits
 * on its own: a crash midway leaves the migration unrecorded, and the next start
 * drops and rebuilds again. On PostgreSQL the migrator's transaction holds it all.
 */
import { sql, type Kysely } from 'kysely';
import type { MessageContent } from '@parley/protocol';
import { searchableText } from '../../domain/search-text';
import type { Database } from '../db-schema';
import type { StoreDialect } from '../dialect';

/** Messages read and indexed per page. */
export const REINDEX_PAGE = 500;

/** Drops both dialects' search tables (SQLite's trigger goes with its table). */
export async function dropSearchIndex(db: Kysely<unknown>): Promise<void> {
  for (const name of ['message_search', 'search_docs']) {
    await sql`drop table if exists ${sql.table(name)}`.execute(db);
  }
}

async function indexPage(db: Kysely<Database>, dialect: StoreDialect, after: string, page: number): Promise<string> {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'content'])
    .where('kind', '=', 'message')
    .where('deleted_at', 'is', null)
    .where('id', '>', after)
    .orderBy('id')
    .limit(page)
    .execute();
  for (const row of rows) {
    const text = searchableText(JSON.parse(row.content) as MessageContent);
    if (text !== undefined) await dialect.search.put(db, row.id, text);
  }
  // '' ends the loop: this page was the last.
  return rows.length < page ? '' : (rows.at(-1)?.id ?? '');
}

/** Indexes every live text message and file caption; returns the pages written. */
export async function reindexSearch(
  db: Kysely<unknown>,
  dialect: StoreDialect,
  page: number = REINDEX_PAGE,
): Promise<number> {
  const typed = db as unknown as Kysely<Database>;
  let after = '';
  let pages = 0;
  do {
    const from = after;
    after = typed.isTransaction
      ? await indexPage(typed, dialect, from, page)
      : await typed.transaction().execute((trx) => indexPage(trx, dialect, from, page));
    pages += 1;
  } while (after !== '');
  return pages;
}
