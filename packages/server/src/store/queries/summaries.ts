/**
 * The conversation list of one user: a page of conversations by most recent
 * activity, with members, last message, the user's cursors and unread count.
 * Four queries per page whatever its size (no per-conversation round trips).
 */
import type { ConversationSummary, Message } from '@parley/protocol';
import { toConversation, toMessage } from '../rows';
import type { QueryContext } from './context';
import { membersOf } from './conversations';

type Db = QueryContext['db'];

export async function listConversationSummaries(
  db: Db,
  userId: string,
  options: { limit: number },
): Promise<ConversationSummary[]> {
  const limit = Math.max(0, Math.trunc(options.limit));
  if (limit === 0) return [];
  const page = await db
    .selectFrom('members')
    .innerJoin('conversations', 'conversations.id', 'members.conversation_id')
    .selectAll('conversations')
    .select(['members.read_seq', 'members.delivered_seq'])
    .where('members.user_id', '=', userId)
    .orderBy('conversations.last_activity_at', 'desc')
    .orderBy('conversations.id', 'desc')
    .limit(limit)
    .execute();
  if (page.length === 0) return [];
  const ids = page.map((row) => row.id);

  const members = await membersOf(db, ids);

  // The last message is the one whose seq is the conversation's last_seq.
  const lastRows = await db
    .selectFrom('messages')
    .innerJoin('conversations', (join) =>
      join
        .onRef('conversations.id', '=', 'messages.conversation_id')
        .onRef('conversations.last_seq', '=', 'messages.seq'),
    )
    .selectAll('messages')
    .where('messages.conversation_id', 'in', ids)
    .execute();
  const lastMessages = new Map<string, Message>(lastRows.map((row) => [row.conversation_id, toMessage(row)]));

  const unreadRows = await db
    .selectFrom('messages')
    .innerJoin('members', (join) =>
      join.onRef('members.conversation_id', '=', 'messages.conversation_id').on('members.user_id', '=', userId),
    )
    .select('messages.conversation_id')
    .select((eb) => eb.fn.countAll<number>().as('unread'))
    .where('messages.conversation_id', 'in', ids)
    .whereRef('messages.seq', '>', 'members.read_seq')
    .where('messages.sender_id', '!=', userId)
    .groupBy('messages.conversation_id')
    .execute();
  const unread = new Map(unreadRows.map((row) => [row.conversation_id, Number(row.unread)]));

  return page.map((row) => ({
    conversation: toConversation(row, members.get(row.id) ?? []),
    lastMessage: lastMessages.get(row.id) ?? null,
    unreadCount: unread.get(row.id) ?? 0,
    readSeq: row.read_seq,
    deliveredSeq: row.delivered_seq,
  }));
}
