/**
 * Messages and receipt cursors: the gapless, idempotent append (guarantees 2
 * and 3 of DESIGN.md), history paging and monotonic cursors. Durability comes
 * from committing before returning; fan-out is the caller's business, after
 * commit.
 */
import type { Message } from '@parley/protocol';
import { sql } from 'kysely';
import { AppError } from '../../domain/errors';
import type { AppendResult, HistoryRange, NewMessage } from '../../ports/store';
import { atomic } from '../atomic';
import { encodeContent, toMessage } from '../rows';
import { addFileRef } from './files';
import type { QueryContext } from './context';

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
  return row && toMessage(row);
}

export async function getMessage(db: Db, id: string): Promise<Message | undefined> {
  const row = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMessage(row);
}

export async function appendMessage({ db, dialect }: QueryContext, message: NewMessage): Promise<AppendResult> {
  // No duplicate check before the lock: callers that expect retries (the message
  // service) look first; under the lock the check below is the one that counts.
  try {
    const stored = await atomic(db, async (tx): Promise<Message> => {
      // Taking the seq first locks the conversation row (PostgreSQL) until commit, so
      // appends to one conversation are serialized and seqs cannot have gaps.
      const bumped = await tx
        .updateTable('conversations')
        .set((eb) => ({
          last_seq: eb('last_seq', '+', 1),
          // Never move backwards, even if two nodes' clocks disagree.
          last_activity_at: sql<number>`case when last_activity_at > ${message.createdAt} then last_activity_at else ${message.createdAt} end`,
        }))
        .where('id', '=', message.conversationId)
        .returning('last_seq')
        .executeTakeFirst();
      if (!bumped) throw new AppError('not_found', 'The conversation does not exist.');
      // Under the lock, an identical send to this conversation has either committed
      // (and is visible now) or not started its insert.
      const raced = await getMessageByClientId(tx, message.senderId, message.clientId);
      if (raced) throw new DuplicateFound(raced);
      const seq = Number(bumped.last_seq);
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
        })
        .execute();
      // The ref commits with the message: a sent file is never unreferenced (0004-files).
      if (message.content.type === 'file')
        await addFileRef(tx, message.content.fileId, message.id, message.conversationId);
      return {
        id: message.id,
        conversationId: message.conversationId,
        seq,
        senderId: message.senderId,
        clientId: message.clientId,
        content: message.content,
        createdAt: message.createdAt,
      };
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
 */
export async function listMessages(db: Db, conversationId: string, range: HistoryRange): Promise<Message[]> {
  const limit = Math.max(0, Math.trunc(range.limit));
  if (limit === 0) return [];
  let query = db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
  if (range.before !== undefined) query = query.where('seq', '<', range.before);
  if (range.after !== undefined) {
    const rows = await query.where('seq', '>', range.after).orderBy('seq', 'asc').limit(limit).execute();
    return rows.map(toMessage);
  }
  const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
  return rows.reverse().map(toMessage);
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
