/**
 * Reactions: one row per (message, emoji, user). Adding and removing run inside
 * the service's transaction with the `update` entry whose seq becomes the
 * message's `rev`; a no-op (already reacted, nothing to remove) changes nothing
 * and says so, so the service can drop the entry it appended.
 */
import type { Page } from '../../ports/store';
import { affected, type QueryContext } from './context';

type Db = QueryContext['db'];

export async function addReaction(
  db: Db,
  messageId: string,
  userId: string,
  emoji: string,
  at: number,
  rev: number,
): Promise<boolean> {
  const inserted = await db
    .insertInto('reactions')
    .values({ message_id: messageId, emoji, user_id: userId, created_at: at })
    .onConflict((oc) => oc.columns(['message_id', 'emoji', 'user_id']).doNothing())
    .executeTakeFirst();
  if (!affected(inserted.numInsertedOrUpdatedRows)) return false;
  await db.updateTable('messages').set({ rev }).where('id', '=', messageId).execute();
  return true;
}

export async function removeReaction(
  db: Db,
  messageId: string,
  userId: string,
  emoji: string,
  rev: number,
): Promise<boolean> {
  const removed = await db
    .deleteFrom('reactions')
    .where('message_id', '=', messageId)
    .where('emoji', '=', emoji)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!affected(removed.numDeletedRows)) return false;
  await db.updateTable('messages').set({ rev }).where('id', '=', messageId).execute();
  return true;
}

export async function hasReaction(db: Db, messageId: string, userId: string, emoji: string): Promise<boolean> {
  const row = await db
    .selectFrom('reactions')
    .select('user_id')
    .where('message_id', '=', messageId)
    .where('emoji', '=', emoji)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countReactionKinds(db: Db, messageId: string): Promise<number> {
  const row = await db
    .selectFrom('reactions')
    .select((eb) => eb.fn.count<number>('emoji').distinct().as('n'))
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Earliest first; the cursor is `<created_at>:<user_id>` of the last one returned. */
export async function listReactionUsers(
  db: Db,
  messageId: string,
  emoji: string,
  options: { cursor?: string; limit: number },
): Promise<Page<string>> {
  const limit = Math.max(1, Math.trunc(options.limit));
  let query = db
    .selectFrom('reactions')
    .select(['user_id', 'created_at'])
    .where('message_id', '=', messageId)
    .where('emoji', '=', emoji);
  if (options.cursor) {
    const colon = options.cursor.indexOf(':');
    const at = Number(options.cursor.slice(0, colon));
    const user = options.cursor.slice(colon + 1);
    if (colon > 0 && Number.isFinite(at)) {
      query = query.where((eb) =>
        eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('user_id', '>', user)])]),
      );
    }
  }
  const rows = await query
    .orderBy('created_at')
    .orderBy('user_id')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => r.user_id),
    nextCursor: rows.length > limit && last ? `${last.created_at}:${last.user_id}` : null,
  };
}
