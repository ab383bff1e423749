/**
 * What every dialect's search shares, so that the rule "never return what the reader
 * may not read" is written once: a query worth running, the join to the reader's
 * memberships, the entries that can match (live messages only) with the filters, and
 * the newest-first order. The dialects (sqlite/, postgres/) add only the matching and
 * the relevance rank. The message table is aliased `m`.
 */
import { sql, type RawBuilder } from 'kysely';
import { isSearchTerm } from '../domain/search-text';
import type { SearchQuery } from '../ports/store';

/** False when nothing can match: no terms, a term that is not a word, or an empty page. */
export function worthSearching(query: SearchQuery): boolean {
  return query.terms.length > 0 && query.terms.every(isSearchTerm) && query.limit > 0;
}

/** Joins only the conversations the reader is a member of now, and that are not deleted (ADR 0020). */
export function readerMemberships(query: SearchQuery): RawBuilder<unknown> {
  return sql`join members mb on mb.conversation_id = m.conversation_id and mb.user_id = ${query.userId}
      join conversations cv on cv.id = m.conversation_id and cv.deleted_at is null`;
}

/** Live messages (no system or update entries, no tombstones) that pass the query's filters. */
export function searchableMessages(query: SearchQuery): RawBuilder<unknown> {
  const filters: RawBuilder<unknown>[] = [sql`m.kind = 'message'`, sql`m.deleted_at is null`];
  if (query.conversationId !== undefined) filters.push(sql`m.conversation_id = ${query.conversationId}`);
  if (query.senderId !== undefined) filters.push(sql`m.sender_id = ${query.senderId}`);
  if (query.from !== undefined) filters.push(sql`m.created_at >= ${query.from}`);
  if (query.to !== undefined) filters.push(sql`m.created_at <= ${query.to}`);
  return sql.join(filters, sql` and `);
}

/** Newest first, with a total tie-break so that pages never overlap. */
export const newestFirst = sql`m.created_at desc, m.seq desc, m.id desc`;
