/**
 * Threads: the ones a user takes part in (with unread counts) and their read
 * cursors. Replies themselves are sent with `threadId` (messages.ts). A thread
 * read is the reader's own state: it is published only on their user topic, for
 * their other devices (`member.updated`).
 */
import type { ThreadListing } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { topics } from '../ports/bus';
import type { AuthContext } from './accounts';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';

/** Most threads one listing returns. */
const THREADS_MAX = 100;

export class ThreadService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
  ) {}

  async list(auth: AuthContext, options: { conversationId?: string | undefined } = {}): Promise<ThreadListing[]> {
    const { conversationId } = options;
    if (conversationId !== undefined) await this.conversations.authorize(auth, conversationId, 'read');
    const threads = await this.deps.store.listThreads(auth.user.id, {
      ...(conversationId === undefined ? {} : { conversationId }),
      limit: THREADS_MAX,
    });
    const roots = await this.deps.store.withMyReactions(
      auth.user.id,
      threads.map((t) => t.root),
    );
    return threads.map((thread, i) => ({ ...thread, root: roots[i] ?? thread.root }));
  }

  /** Moves the reader's cursor in a thread they take part in; reading one they do not is a no-op. */
  async markRead(auth: AuthContext, conversationId: string, threadId: string, seq: number): Promise<void> {
    await this.conversations.authorize(auth, conversationId, 'read');
    const root = await this.deps.store.getMessage(threadId);
    if (!root || root.conversationId !== conversationId) throw new AppError('not_found', 'No such thread.');
    const readSeq = Math.min(seq, root.thread?.lastReplySeq ?? 0);
    await this.deps.store.write(`${conversationId}:${auth.user.id}`, async (tx) => {
      if (!(await tx.advanceThreadRead(threadId, auth.user.id, seq))) return;
      await tx.emit(topics.user(auth.user.id), {
        v: 1,
        type: 'member.updated',
        userId: auth.user.id,
        conversationId,
        thread: { threadId, readSeq },
      });
    });
  }
}
