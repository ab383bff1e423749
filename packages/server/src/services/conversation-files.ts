/**
 * The "media and files" of a conversation (issue 13): its file messages, newest
 * first, in pages, for whoever may read its history. It reads what history reads
 * (the same `read` authorization, messages in their current state with the reader's
 * own reactions), so a file is listed to exactly those who see its message in the
 * history; deleted messages are gone from both. It never writes.
 */
import type { ConversationFilesQuery, FileKind, Message } from '@parley/protocol';
import type { AuthContext } from './accounts';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';

/** A page without `limit`. */
export const CONVERSATION_FILES_PAGE = 30;
/** The largest page (the query schema says the same). */
export const CONVERSATION_FILES_PAGE_MAX = 100;

/** `media`: what shows as a picture in a grid; `files`: everything listed by name. */
export const KINDS: Record<ConversationFilesQuery['kind'], readonly FileKind[]> = {
  media: ['image', 'video'],
  files: ['file', 'audio', 'voice'],
};

export class ConversationFileService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
  ) {}

  async list(
    auth: AuthContext,
    conversationId: string,
    query: ConversationFilesQuery,
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    await this.conversations.authorize(auth, conversationId, 'read', {}, { members: false });
    const limit = Math.max(1, Math.min(query.limit ?? CONVERSATION_FILES_PAGE, CONVERSATION_FILES_PAGE_MAX));
    const { store } = this.deps;
    const page = await store.listConversationFiles(conversationId, {
      kinds: KINDS[query.kind],
      before: query.before,
      limit: limit + 1,
    });
    const messages = await store.withMyReactions(auth.user.id, page.slice(0, limit));
    return { messages, hasMore: page.length > limit };
  }
}
