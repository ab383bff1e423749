/**
 * `client.search`: full-text search across every conversation you are a member of,
 * over the WebSocket when it is open, over HTTP (`GET /v1/search`) otherwise. The
 * server does the matching, ranking and highlighting; nothing is cached here.
 */
import type { ClientData, ResultOf } from '@parley/protocol';
import type { ApiContext } from './client-api';

/**
 * What to look for: every word of `query` must start a word of the message, ignoring
 * case and diacritics; Chinese, Japanese and Thai are found anywhere in the text
 * (docs/protocol.md, Search).
 */
export type SearchParams = ClientData<'search'>;
/** A page of hits (`{ message, highlights }`, ranges of the text in UTF-16 units) and the next page's cursor. */
export type SearchPage = ResultOf<'search'>;

/** Full-text search. */
export class SearchApi {
  constructor(private readonly ctx: ApiContext) {}

  /**
   * One page of messages matching every word of `query` as a word prefix (case and
   * diacritics ignored; Chinese, Japanese and Thai anywhere in the text), newest first
   * (`sort: 'relevance'` for the best matches first). Filters: `conversationId` (you
   * must be a member), `senderId`, `from`/`to` (epoch ms, inclusive). Pass the page's
   * `nextCursor` back as `cursor` for the next page; null means there is none.
   *
   * @example
   * ```ts
   * const { hits, nextCursor } = await client.search.query({ query: 'release notes', sort: 'relevance' });
   * for (const { message, highlights } of hits) render(message, highlights);
   * ```
   */
  query(params: SearchParams): Promise<SearchPage> {
    if (this.ctx.connection.isOpen) return this.ctx.connection.request('search', params);
    return this.ctx.http.search(params);
  }
}
