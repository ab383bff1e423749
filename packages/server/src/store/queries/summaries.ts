/**
 * The conversation list of one user: a page of conversations by most recent
 * activity, with members (not for channels), the last message, the user's cursors,
 * settings, unread and mention counts. Five queries per page whatever its size (no
 * per-conversation round trips).
 *
 * Unread: `message` entries (not system changes, not updates, not thread replies)
 * from others after the read cursor, or from the marked-unread seq when the member
 * marked the conversation unread. Mentions: unread messages from others, thread
 * replies included, that name the user (a message_mentions row) or everyone
 * (`mention_all`), except those from someone the user blocked.
 */
import type { ConversationSummary, Message } from '@parley/protocol';
import { sql } from 'kysely';
import { toConversation } from '../rows';
import type { QueryContext } from './context';
import { membersOf } from './conversations';
import { decorate } from './decorate';

type Db = QueryContext['db'];

/** The seq after which messages count as unread for a member row joined as `members`. */
const unreadAfter = sql<number>`case when members.marked_unread_seq is not null and members.marked_unread_seq <= members.read_seq then members.marked_unread_seq - 1 else members.read_seq end`;

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
    .select([
      'members.read_seq',
      'members.delivered_seq',
      'members.role',
      'members.notify_level',
      'members.marked_unread_seq',
      'members.muted_until',
      'members.favourite_position',
    ])
    .where('members.user_id', '=', userId)
    .where('conversations.deleted_at', 'is', null)
    .orderBy('conversations.last_activity_at', 'desc')
    .orderBy('conversations.id', 'desc')
    .limit(limit)
    .execute();
  if (page.length === 0) return [];
  const ids = page.map((row) => row.id);

  const members = await membersOf(db, ids);

  // The preview is the entry at last_message_seq: never an update entry or a thread reply.
  const lastRows = await db
    .selectFrom('messages')
    .innerJoin('conversations', (join) =>
      join
        .onRef('conversations.id', '=', 'messages.conversation_id')
        .onRef('conversations.last_message_seq', '=', 'messages.seq'),
    )
    .selectAll('messages')
    .where('messages.conversation_id', 'in', ids)
    .execute();
  const lastMessages = new Map<string, Message>(
    (await decorate(db, lastRows)).map((message) => [message.conversationId, message]),
  );

  const unreadRows = await db
    .selectFrom('messages')
    .innerJoin('members', (join) =>
      join.onRef('members.conversation_id', '=', 'messages.conversation_id').on('members.user_id', '=', userId),
    )
    .select('messages.conversation_id')
    .select((eb) => eb.fn.countAll<number>().as('unread'))
    .where('messages.conversation_id', 'in', ids)
    .where('messages.seq', '>', unreadAfter)
    .where('messages.sender_id', '!=', userId)
    .where('messages.kind', '=', 'message')
    .where('messages.thread_id', 'is', null)
    .groupBy('messages.conversation_id')
    .execute();
  const unread = new Map(unreadRows.map((row) => [row.conversation_id, Number(row.unread)]));

  const mentionRows = await db
    .selectFrom('messages')
    .innerJoin('members', (join) =>
      join.onRef('members.conversation_id', '=', 'messages.conversation_id').on('members.user_id', '=', userId),
    )
    .select('messages.conversation_id')
    .select((eb) => eb.fn.countAll<number>().as('mentions'))
    .where('messages.conversation_id', 'in', ids)
    .where('messages.seq', '>', unreadAfter)
    .where('messages.sender_id', '!=', userId)
    .where('messages.kind', '=', 'message')
    // Nothing from someone the reader blocked counts as a mention (@here and @channel included).
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('blocks')
            .select('blocks.owner_id')
            .where('blocks.owner_id', '=', userId)
            .whereRef('blocks.blocked_id', '=', 'messages.sender_id'),
        ),
      ),
    )
    .where((eb) =>
      eb.or([
        eb('messages.mention_all', '=', 1),
        eb.exists(
          eb
            .selectFrom('message_mentions')
            .select('message_mentions.seq')
            .where('message_mentions.user_id', '=', userId)
            .whereRef('message_mentions.conversation_id', '=', 'messages.conversation_id')
            .whereRef('message_mentions.seq', '=', 'messages.seq'),
        ),
      ]),
    )
    .groupBy('messages.conversation_id')
    .execute();
  const mentions = new Map(mentionRows.map((row) => [row.conversation_id, Number(row.mentions)]));

  return page.map((row) => ({
    conversation: toConversation(row, members.get(row.id) ?? []),
    lastMessage: lastMessages.get(row.id) ?? null,
    unreadCount: unread.get(row.id) ?? 0,
    mentionCount: mentions.get(row.id) ?? 0,
    readSeq: row.read_seq,
    deliveredSeq: row.delivered_seq,
    role: row.role,
    notifyLevel: row.notify_level,
    markedUnread: row.marked_unread_seq !== null,
    mutedUntil: row.muted_until,
    // PostgreSQL returns bigint as a string.
    favouritePosition: row.favourite_position === null ? null : Number(row.favourite_position),
  }));
}
