/**
 * Full-text search on PostgreSQL: one tsvector per text message in
 * `message_search`, under a GIN index. The vector and the query are built as
 * literals from tokens domain/search-text.ts already split and folded (the `simple`
 * configuration's parser would split URLs, e-mail addresses and hyphenated words
 * differently from SQLite, and knows nothing of Chinese), so both dialects match the
 * same messages.
 */
import { sql, type Kysely } from 'kysely';
import { tokensOf } from '../../domain/search-text';
import type { SearchQuery } from '../../ports/store';
import type { Database } from '../db-schema';
import type { SearchIndex } from '../dialect';
import { newestFirst, readerMemberships, searchableMessages, worthSearching } from '../search-scope';

/** PostgreSQL keeps positions up to 16383 and clamps larger ones. */
const MAX_POSITION = 16383;

/** A quoted lexeme of a tsvector or tsquery literal. */
function lexeme(word: string): string {
  return `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** `'word':1,4 'other':2`: every token with its positions, as the parser would have numbered them. */
export function tsvectorLiteral(text: string): string {
  const positions = new Map<string, number[]>();
  tokensOf(text).forEach((token, index) => {
    const list = positions.get(token.text) ?? [];
    list.push(Math.min(index + 1, MAX_POSITION));
    positions.set(token.text, list);
  });
  return [...positions].map(([word, at]) => `${lexeme(word)}:${[...new Set(at)].join(',')}`).join(' ');
}

export const postgresSearch: SearchIndex = {
  async create(db: Kysely<unknown>): Promise<void> {
    await sql`create table message_search (
      message_id text collate "C" primary key references messages(id) on delete cascade,
      document tsvector not null
    )`.execute(db);
    await sql`create index message_search_document_idx on message_search using gin (document)`.execute(db);
  },

  harden(): Promise<void> {
    // A deleted row's tsvector stays in its page until VACUUM reclaims it (docs/operations.md).
    return Promise.resolve();
  },

  async put(db: Kysely<Database>, messageId: string, text: string): Promise<void> {
    const document = tsvectorLiteral(text);
    if (document === '') {
      await sql`delete from message_search where message_id = ${messageId}`.execute(db);
      return;
    }
    await sql`insert into message_search (message_id, document) values (${messageId}, ${document}::tsvector)
      on conflict (message_id) do update set document = excluded.document`.execute(db);
  },

  async remove(db: Kysely<Database>, messageId: string): Promise<void> {
    await sql`delete from message_search where message_id = ${messageId}`.execute(db);
  },
  async count(db: Kysely<Database>, messageIds: readonly string[]): Promise<number> {
    if (messageIds.length === 0) return 0;
    const result = await sql<{ n: number | string }>`select count(*) as n from message_search
      where message_id in (${sql.join([...messageIds])})`.execute(db);
    return Number(result.rows[0]?.n ?? 0);
  },

  async query(db: Kysely<Database>, query: SearchQuery): Promise<string[]> {
    if (!worthSearching(query)) return [];
    const tsquery = query.terms.map((term) => `${lexeme(term)}:*`).join(' & ');
    const order = query.sort === 'relevance' ? sql`ts_rank(s.document, q.query) desc, ${newestFirst}` : newestFirst;
    const result = await sql<{ id: string }>`
      select m.id as id
      from (select ${tsquery}::tsquery as query) q
      join message_search s on s.document @@ q.query
      join messages m on m.id = s.message_id
      ${readerMemberships(query)}
      where ${searchableMessages(query)}
      order by ${order}
      limit ${query.limit} offset ${query.offset}`.execute(db);
    return result.rows.map((row) => row.id);
  },
};
