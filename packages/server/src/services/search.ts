/**
 * Full-text search over what the user may read. The query becomes lower-case word
 * terms (domain/search-text.ts), every one of which must start a word of the text;
 * the store applies membership itself (only conversations the user is a member of
 * now), so a filter on another conversation is refused here only to say why
 * (`not_member`, `banned`, `not_found`). Highlights are computed here, the same for
 * both SQL dialects. Pages are offsets behind an opaque cursor.
 */
import { contentText } from '../domain/content-text';
import type { Message, SearchHit } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { highlightRanges, parseSearchTerms } from '../domain/search-text';
import { cleanText } from '../domain/text';
import type { AuthContext } from './accounts';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';

export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 50;
/** Results deeper than this are not paged to (a narrower query finds them faster). */
export const SEARCH_MAX_OFFSET = 1000;

export interface SearchInput {
  query: string;
  conversationId?: string | undefined;
  senderId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  sort?: 'recent' | 'relevance' | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface SearchOutput {
  hits: SearchHit[];
  nextCursor: string | null;
}

const CURSOR_PREFIX = 's1.';

function encodeCursor(offset: number): string {
  return `${CURSOR_PREFIX}${offset.toString(36)}`;
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const digits = cursor.startsWith(CURSOR_PREFIX) ? cursor.slice(CURSOR_PREFIX.length) : '';
  const offset = /^[0-9a-z]{1,6}$/.test(digits) ? parseInt(digits, 36) : NaN;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > SEARCH_MAX_OFFSET) {
    throw new AppError('bad_request', 'The search cursor is not valid: pass the nextCursor of the previous page.');
  }
  return offset;
}

/** Ranges of the text, or of a file message's caption (what search indexed). */
function highlightsOf(message: Message, terms: readonly string[]): [number, number][] {
  const text = contentText(message.content);
  return text.readable ? highlightRanges(text.text, terms) : [];
}

export class SearchService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
  ) {}

  async search(auth: AuthContext, input: SearchInput): Promise<SearchOutput> {
    const offset = decodeCursor(input.cursor);
    const limit = Math.min(Math.max(1, Math.trunc(input.limit ?? SEARCH_DEFAULT_LIMIT)), SEARCH_MAX_LIMIT);
    if (input.from !== undefined && input.to !== undefined && input.from > input.to) {
      throw new AppError('bad_request', '`from` is after `to`.');
    }
    // Why a conversation filter finds nothing: not a member, banned, or no such conversation.
    if (input.conversationId !== undefined) await this.conversations.authorize(auth, input.conversationId, 'read');
    const terms = parseSearchTerms(cleanText('query', input.query));
    // Nothing to look for (only punctuation): an empty page, not an error, for a search-as-you-type box.
    if (terms.length === 0) return { hits: [], nextCursor: null };
    const found = await this.deps.store.searchMessages({
      terms,
      userId: auth.user.id,
      ...(input.conversationId === undefined ? {} : { conversationId: input.conversationId }),
      ...(input.senderId === undefined ? {} : { senderId: input.senderId }),
      ...(input.from === undefined ? {} : { from: input.from }),
      ...(input.to === undefined ? {} : { to: input.to }),
      sort: input.sort ?? 'recent',
      offset,
      // One more than asked tells whether there is a next page.
      limit: limit + 1,
    });
    const page = await this.deps.store.withMyReactions(auth.user.id, found.slice(0, limit));
    const next = offset + limit;
    return {
      hits: page.map((message) => ({ message, highlights: highlightsOf(message, terms) })),
      nextCursor: found.length > limit && next <= SEARCH_MAX_OFFSET ? encodeCursor(next) : null,
    };
  }
}
