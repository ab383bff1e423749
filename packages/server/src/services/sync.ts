/**
 * Resuming after a disconnect (guarantee 5): the client sends the highest
 * contiguous seq it holds per conversation; it gets its conversation list and
 * every message after those cursors, in order, up to a page per conversation.
 * Conversations the client does not mention resume from the member's delivered
 * cursor, so a user who was offline gets everything at the next login.
 */
import type { ConversationSummary, Message } from '@parley/protocol';
import type { AuthContext } from './accounts';
import type { ServiceDeps } from './deps';

export interface SyncOutput {
  conversations: ConversationSummary[];
  messages: Message[];
  truncated: string[];
}

/** Most conversations one sync returns; a user in more gets the most active ones. */
const SYNC_CONVERSATIONS_MAX = 1000;

export class SyncService {
  constructor(private readonly deps: ServiceDeps) {}

  async sync(auth: AuthContext, cursors: Record<string, number>, limit?: number): Promise<SyncOutput> {
    const pageSize = Math.min(limit ?? this.deps.limits.historyPageMax, this.deps.limits.historyPageMax);
    const conversations = await this.deps.store.listConversationSummaries(auth.user.id, {
      limit: SYNC_CONVERSATIONS_MAX,
    });
    const messages: Message[] = [];
    const truncated: string[] = [];
    for (const summary of conversations) {
      const { id, lastSeq } = summary.conversation;
      const cursor = Object.hasOwn(cursors, id) ? (cursors[id] ?? 0) : summary.deliveredSeq;
      if (lastSeq <= cursor) continue;
      const page = await this.deps.store.listMessages(id, { after: cursor, limit: pageSize });
      // Current state with the reader's own reactions; the update entries in the page say what changed.
      messages.push(...(await this.deps.store.withMyReactions(auth.user.id, page)));
      if (lastSeq - cursor > page.length) truncated.push(id);
    }
    return { conversations, messages, truncated };
  }
}
