/**
 * A user's favourites as an ordered list of conversation ids: which stored positions change
 * between two orders (positions are the list's indexes, 0 first, so they stay dense and a move
 * writes only the places that moved). Where one goes is the protocol's `placeFavourite`. Pure.
 */

/** One conversation's place in a user's favourites (0 first; null: not a favourite). */
export interface FavouritePlace {
  conversationId: string;
  position: number | null;
}

/** The places that differ between two orders: moved ones get their new index, dropped ones null. */
export function changedPlaces(before: readonly string[], after: readonly string[]): FavouritePlace[] {
  const old = new Map(before.map((id, index) => [id, index]));
  const changes: FavouritePlace[] = [];
  after.forEach((id, index) => {
    if (old.get(id) !== index) changes.push({ conversationId: id, position: index });
  });
  const kept = new Set(after);
  for (const id of before) if (!kept.has(id)) changes.push({ conversationId: id, position: null });
  return changes;
}
