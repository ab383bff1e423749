/**
 * An account's own data (ports/account-data-records.ts): what it sent, its reactions
 * and its files, found by the indexes on `messages(sender_id, created_at, id)`,
 * `reactions(user_id)` and `files(owner_id)`.
 */
import type { SentMessagesQuery } from '../../ports/account-data-records';
import type { ExpiredMessage } from '../../ports/retention-records';
import type { QueryContext } from './context';

type Db = QueryContext['db'];

export async function findMessagesSentBy(db: Db, query: SentMessagesQuery): Promise<ExpiredMessage[]> {
  let q = db
    .selectFrom('messages')
    .select(['id', 'conversation_id', 'seq'])
    .where('sender_id', '=', query.senderId)
    .where('kind', 'in', ['message', 'update']);
  if (query.heldConversationIds.length > 0) q = q.where('conversation_id', 'not in', [...query.heldConversationIds]);
  const rows = await q
    .orderBy('created_at')
    .orderBy('id')
    .limit(Math.max(0, Math.trunc(query.limit)))
    .execute();
  return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, seq: Number(r.seq) }));
}

export async function deleteReactionsBy(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom('reactions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function listFileIdsOwnedBy(
  db: Db,
  ownerId: string,
  afterId: string | undefined,
  limit: number,
): Promise<string[]> {
  let q = db.selectFrom('files').select('id').where('owner_id', '=', ownerId);
  if (afterId !== undefined) q = q.where('id', '>', afterId);
  const rows = await q
    .orderBy('id')
    .limit(Math.max(0, Math.trunc(limit)))
    .execute();
  return rows.map((r) => r.id);
}
