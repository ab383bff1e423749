/**
 * Full-text search on SQLite: an FTS5 table of the tokens of each text message
 * (domain/search-text.ts splits and folds them). The `ascii` tokenizer splits only
 * at ASCII punctuation and spaces, so it keeps each of our tokens whole; unicode61
 * would split some again (Thai at its vowel signs and tone marks), and PostgreSQL
 * would then disagree. FTS5 rows are keyed by an integer
 * `doc` that `search_docs` maps to the message id: messages.rowid is not stable
 * across VACUUM, and FTS5 can only delete by rowid. A trigger removes the FTS5 row
 * with its mapping, so the cascade from a deleted conversation cleans both.
 */
import { sql, type Kysely } from 'kysely';
import { indexText } from '../../domain/search-text';
import type { SearchQuery } from '../../ports/store';
import type { Database } from '../db-schema';
import type { SearchIndex } from '../dialect';
import { newestFirst, readerMemberships, searchableMessages, worthSearching } from '../search-scope';

/** An FTS5 string: a double-quoted phrase with inner quotes doubled, then `*` (prefix). */
function prefixTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"*`;
}

export const sqliteSearch: SearchIndex = {
  async create(db: Kysely<unknown>): Promise<void> {
    await sql`create table search_docs (
      doc integer primary key,
      message_id text not null unique references messages(id) on delete cascade
    )`.execute(db);
    await sql`create virtual table message_search using fts5(body, tokenize = 'ascii')`.execute(db);
    await sqliteSearch.harden(db);
    await sql`create trigger search_docs_delete after delete on search_docs begin
      delete from message_search where rowid = old.doc;
    end`.execute(db);
  },

  async harden(db: Kysely<unknown>): Promise<void> {
    // FTS5 (SQLite 3.44+) otherwise records a delete as a marker and keeps the old tokens in
    // its segment pages until a merge; with secure-delete they are removed at once (ADR 0019).
    // The option is stored in the table's config, so it holds for every connection.
    await sql`insert into message_search (message_search, rank) values ('secure-delete', 1)`.execute(db);
  },

  async put(db: Kysely<Database>, messageId: string, text: string): Promise<void> {
    const body = indexText(text);
    await sql`delete from search_docs where message_id = ${messageId}`.execute(db);
    if (body === '') return;
    const inserted = await sql<{
      doc: number;
    }>`insert into search_docs (message_id) values (${messageId}) returning doc`.execute(db);
    const doc = inserted.rows[0]?.doc;
    if (doc === undefined) throw new Error('search_docs insert returned no row');
    await sql`insert into message_search (rowid, body) values (${doc}, ${body})`.execute(db);
  },

  async remove(db: Kysely<Database>, messageId: string): Promise<void> {
    await sql`delete from search_docs where message_id = ${messageId}`.execute(db);
  },
  async count(db: Kysely<Database>, messageIds: readonly string[]): Promise<number> {
    if (messageIds.length === 0) return 0;
    const result = await sql<{ n: number | string }>`select count(*) as n from search_docs
      where message_id in (${sql.join([...messageIds])})`.execute(db);
    return Number(result.rows[0]?.n ?? 0);
  },

  async query(db: Kysely<Database>, query: SearchQuery): Promise<string[]> {
    if (!worthSearching(query)) return [];
    const match = query.terms.map(prefixTerm).join(' ');
    // bm25() is smaller for better matches.
    const order = query.sort === 'relevance' ? sql`bm25(message_search) asc, ${newestFirst}` : newestFirst;
    const result = await sql<{ id: string }>`
      select m.id as id
      from message_search
      join search_docs d on d.doc = message_search.rowid
      join messages m on m.id = d.message_id
      ${readerMemberships(query)}
      where message_search match ${match} and ${searchableMessages(query)}
      order by ${order}
      limit ${query.limit} offset ${query.offset}`.execute(db);
    return result.rows.map((row) => row.id);
  },
};
