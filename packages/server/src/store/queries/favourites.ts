/**
 * A user's favourite conversations: `members.favourite_position` (0 first; null: not a
 * favourite). Only conversations that are not deleted count. Ordering rules live in
 * domain/favourites.ts; this file only reads and writes the positions.
 */
import type { FavouritePlace } from '../../domain/favourites';
import type { QueryContext } from './context';

type Db = QueryContext['db'];

/**
 * The user's favourites in order. First touches the user's row: on PostgreSQL that row lock is
 * held until the transaction ends, so a second device moving favourites at the same moment
 * reads the order after this one's commit (SQLite runs one write transaction at a time anyway).
 */
export async function lockFavourites(db: Db, userId: string): Promise<string[]> {
  await db
    .updateTable('users')
    .set((eb) => ({ created_at: eb.ref('created_at') }))
    .where('id', '=', userId)
    .execute();
  const rows = await db
    .selectFrom('members')
    .innerJoin('conversations', 'conversations.id', 'members.conversation_id')
    .select(['members.conversation_id', 'members.favourite_position'])
    .where('members.user_id', '=', userId)
    .where('members.favourite_position', 'is not', null)
    .where('conversations.deleted_at', 'is', null)
    .orderBy('members.favourite_position')
    .orderBy('members.conversation_id')
    .execute();
  return rows.map((row) => row.conversation_id);
}

export async function setFavouritePositions(db: Db, userId: string, places: readonly FavouritePlace[]): Promise<void> {
  for (const place of places) {
    await db
      .updateTable('members')
      .set({ favourite_position: place.position })
      .where('conversation_id', '=', place.conversationId)
      .where('user_id', '=', userId)
      .execute();
  }
}
