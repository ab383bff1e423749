/**
 * Messages and receipt cursors: the gapless, idempotent append (guarantees 2
 * and 3 of DESIGN.md), history paging and monotonic cursors. Durability comes
 * from committing before returning; fan-out is the caller's business, after
 * commit.
 */
import type { Message, MessageContent } from '@parley/protocol';
import { sql } from 'kysely';
import { AppError } from '../../domain/errors';
import { searchableText } from '../../domain/search-text';
import type { AppendResult, HistoryRange, NewMessage } from '../../ports/store';
import { atomic } from '../atomic';
import type { MessageKind } from '../db-schema';
import { encodeContent, encodeJson } from '../rows';
import type { QueryContext } from './context';
import { decorate } from './decorate';
import { addFileRef } from './files';

type Db = QueryContext['db'];

/** Thrown inside the append section to undo the seq it took; never escapes. */
class DuplicateFound extends Error {
  constructor(readonly stored: Message) {
    super('duplicate (sender, client id)');
  }
}

export async function getMessageByClientId(db: Db, senderId: string, clientId: string): Promise<Message | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('sender_id', '=', senderId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row && (await decorate(db, [row]))[0];
}

export async function getMessage(db: Db, id: string): Promise<Message | undefined> {
  const row = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row && (await decorate(db, [row]))[0];
}

export function kindOf(content: MessageContent): MessageKind {
  if (content.type === 'system') return 'system';
  if (content.type === 'update') return 'update';
  // An MLS commit changes the group, like an update changes a message: not unread, not a preview.
  if (content.type === 'mls' && content.kind === 'commit') return 'update';
  return 'message';
}

/**
 * The writes that come with a new entry besides its row, under the conversation's
 * lock: mention rows (one per mentioned user; @here/@channel are the row's flag),
 * the thread root's counters and participants, the sender's last post time (only
 * in slow mode), the search index (text, or a file's caption) and a file message's ref
 * to its file. Each costs O(1) whatever the member count.
 */
async function sideEffects(
  { db, dialect }: QueryContext,
  message: NewMessage,
  seq: number,
  slowMode: boolean,
): Promise<void> {
  const kind = kindOf(message.content);
  const userIds = [...new Set(message.mentions?.userIds ?? [])];
  if (userIds.length > 0) {
    await db
      .insertInto('message_mentions')
      .values(
        userIds.map((userId) => ({
          user_id: userId,
          conversation_id: message.conversationId,
          seq,
          message_id: message.id,
        })),
      )
      .execute();
  }
  if (message.threadId) {
    const root = await db
      .updateTable('messages')
      .set((eb) => ({
        thread_reply_count: eb('thread_reply_count', '+', 1),
        thread_last_reply_at: message.createdAt,
        thread_last_reply_seq: seq,
      }))
      .where('id', '=', message.threadId)
      .where('conversation_id', '=', message.conversationId)
      .returning(['sender_id', 'created_at'])
      .executeTakeFirst();
    if (!root) throw new AppError('not_found', 'The thread root does not exist in this conversation.');
    // The root's author follows the thread from its start; the sender has read up to their own reply.
    await db
      .insertInto('thread_participants')
      .values({
        root_id: message.threadId,
        user_id: root.sender_id,
        conversation_id: message.conversationId,
        joined_at: root.created_at,
        read_seq: root.sender_id === message.senderId ? seq : 0,
      })
      .onConflict((oc) => oc.columns(['root_id', 'user_id']).doNothing())
      .execute();
    await db
      .insertInto('thread_participants')
      .values({
        root_id: message.threadId,
        user_id: message.senderId,
        conversation_id: message.conversationId,
        joined_at: message.createdAt,
        read_seq: seq,
      })
      .onConflict((oc) => oc.columns(['root_id', 'user_id']).doUpdateSet({ read_seq: seq }))
      .execute();
    // People mentioned in a reply follow the thread from that reply on (it is unread for them,
    // and listed in their threads), as if they had taken part; someone who already does keeps
    // their cursor. Mentions name members only (services/messages.ts), at most a text's worth.
    const followers = userIds.filter((id) => id !== message.senderId);
    if (followers.length > 0) {
      await db
        .insertInto('thread_participants')
        .values(
          followers.map((userId) => ({
            root_id: message.threadId as string,
            user_id: userId,
            conversation_id: message.conversationId,
            joined_at: message.createdAt,
            read_seq: seq - 1,
          })),
        )
        .onConflict((oc) => oc.columns(['root_id', 'user_id']).doNothing())
        .execute();
    }
  }
  // Only slow mode reads last_post_at, and took_part_at is written once (the service says when):
  // a steady stream of posts costs no member write.
  const firstPost = kind === 'message' && message.firstPost === true;
  if (kind === 'message' && (slowMode || firstPost)) {
    await db
      .updateTable('members')
      .set((eb) => ({
        ...(slowMode ? { last_post_at: message.createdAt } : {}),
        ...(firstPost ? { took_part_at: eb.fn.coalesce('took_part_at', eb.val(message.createdAt)) } : {}),
      }))
      .where('conversation_id', '=', message.conversationId)
      .where('user_id', '=', message.senderId)
      .execute();
  }
  const searchable = searchableText(message.content);
  if (searchable !== undefined) await dialect.search.put(db, message.id, searchable);
  if (message.content.type === 'file') {
    // The ref commits with the message: a sent (or forwarded) file is never unreferenced (0004-files).
    await addFileRef(db, message.content.fileId, message.id, message.conversationId);
  }
}

export async function appendMessage({ db, dialect }: QueryContext, message: NewMessage): Promise<AppendResult> {
  // No duplicate check before the lock: callers that expect retries (the message
  // service) look first; under the lock the check below is the one that counts.
  const kind = kindOf(message.content);
  // The list preview: messages and system changes, not updates, not thread replies.
  const preview = kind !== 'update' && !message.threadId;
  try {
    const stored = await atomic(db, async (tx): Promise<Message> => {
      // Taking the seq first locks the conversation row (PostgreSQL) until commit, so
      // appends to one conversation are serialized and seqs cannot have gaps.
      const bumped = await tx
        .updateTable('conversations')
        .set((eb) => ({
          last_seq: eb('last_seq', '+', 1),
          ...(preview ? { last_message_seq: eb('last_seq', '+', 1) } : {}),
          // Never move backwards, even if two nodes' clocks disagree. Updates (a
          // reaction, an edit) do not reorder the conversation list.
          ...(kind === 'update'
            ? {}
            : {
                last_activity_at: sql<number>`case when last_activity_at > ${message.createdAt} then last_activity_at else ${message.createdAt} end`,
              }),
        }))
        .where('id', '=', message.conversationId)
        .returning(['last_seq', 'slow_mode_seconds'])
        .executeTakeFirst();
      if (!bumped) throw new AppError('not_found', 'The conversation does not exist.');
      // Under the lock, an identical send to this conversation has either committed
      // (and is visible now) or not started its insert.
      const raced = await getMessageByClientId(tx, message.senderId, message.clientId);
      if (raced) throw new DuplicateFound(raced);
      const seq = Number(bumped.last_seq);
      const mentionAll = message.mentions?.here === true || message.mentions?.channel === true;
      await tx
        .insertInto('messages')
        .values({
          id: message.id,
          conversation_id: message.conversationId,
          seq,
          sender_id: message.senderId,
          client_id: message.clientId,
          content: encodeContent(message.content),
          created_at: message.createdAt,
          kind,
          thread_id: message.threadId ?? null,
          reply_to: encodeJson(message.replyTo),
          forwarded_from: encodeJson(message.forwardedFrom),
          mentions: encodeJson(message.mentions),
          mention_all: mentionAll ? 1 : 0,
          link_previews_off: message.linkPreviewsOff === true ? 1 : 0,
          // An `expired` entry names messages that are gone: it refers to nothing that stays.
          target_id:
            message.content.type === 'update' && message.content.action !== 'expired'
              ? message.content.messageId
              : null,
          reply_to_id: message.replyTo?.messageId ?? null,
        })
        .execute();
      await sideEffects({ db: tx, dialect }, message, seq, Number(bumped.slow_mode_seconds) > 0);
      const result: Message = {
        id: message.id,
        conversationId: message.conversationId,
        seq,
        senderId: message.senderId,
        clientId: message.clientId,
        content: message.content,
        createdAt: message.createdAt,
      };
      if (message.threadId) result.threadId = message.threadId;
      if (message.replyTo) result.replyTo = message.replyTo;
      if (message.forwardedFrom) result.forwardedFrom = message.forwardedFrom;
      if (message.mentions) result.mentions = message.mentions;
      if (message.linkPreviewsOff === true) result.linkPreviewsOff = true;
      return result;
    });
    return { message: stored, duplicate: false };
  } catch (error) {
    if (error instanceof DuplicateFound) return { message: error.stored, duplicate: true };
    // The same (sender, client id) sent concurrently to another conversation: the
    // unique key stopped the second copy and the section was rolled back.
    if (dialect.isUniqueViolation(error)) {
      const existing = await getMessageByClientId(db, message.senderId, message.clientId);
      if (existing) return { message: existing, duplicate: true };
    }
    throw error;
  }
}

/**
 * Ascending seq. With `after`: the oldest `limit` messages above it (bounded by
 * `before` if given too); otherwise the newest `limit` below `before` (or of all).
 * With `threadId`: only the replies in that thread.
 */
export async function listMessages(db: Db, conversationId: string, range: HistoryRange): Promise<Message[]> {
  const limit = Math.max(0, Math.trunc(range.limit));
  if (limit === 0) return [];
  let query = db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
  if (range.threadId !== undefined) query = query.where('thread_id', '=', range.threadId);
  if (range.before !== undefined) query = query.where('seq', '<', range.before);
  if (range.after !== undefined) {
    const rows = await query.where('seq', '>', range.after).orderBy('seq', 'asc').limit(limit).execute();
    return decorate(db, rows);
  }
  const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
  return decorate(db, rows.reverse());
}

/**
 * Moves a cursor to max(current, min(seq, lastSeq)) and returns it. The guarded
 * UPDATE re-checks its condition under the row lock, so concurrent advances
 * cannot move it back.
 * @throws AppError('not_member') when the user is not a member.
 */
export async function advanceCursor(
  db: Db,
  column: 'read_seq' | 'delivered_seq',
  conversationId: string,
  userId: string,
  seq: number,
): Promise<number> {
  const conversation = await db
    .selectFrom('conversations')
    .select('last_seq')
    .where('id', '=', conversationId)
    .executeTakeFirst();
  // last_seq only grows, so a stale read clamps conservatively, never too far.
  const target = Math.max(0, Math.min(Math.trunc(seq), conversation?.last_seq ?? 0));
  if (column === 'read_seq') {
    // Reading at or past the message marked unread clears the mark, even if the cursor was there already.
    await db
      .updateTable('members')
      .set({ marked_unread_seq: null })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where('marked_unread_seq', 'is not', null)
      .where('marked_unread_seq', '<=', Math.trunc(seq))
      .execute();
  }
  const updated = await db
    .updateTable('members')
    .set(column, target)
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .where(column, '<', target)
    .returning((eb) => eb.ref(column).as('cursor'))
    .executeTakeFirst();
  if (updated) return Number(updated.cursor);
  const current = await db
    .selectFrom('members')
    .select((eb) => eb.ref(column).as('cursor'))
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!current) throw new AppError('not_member', 'You are not a member of this conversation.');
  return Number(current.cursor);
}
