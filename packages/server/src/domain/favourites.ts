/**
 * A user's favourites as an ordered list of conversation ids: where one goes when it is
 * added or moved, and which stored positions change (positions are the list's indexes,
 * 0 first, so they stay dense and every move writes only the places that moved). Pure.
 */

/** One conversation's place in a user's favourites (0 first; null: not a favourite). */
export interface FavouritePlace {
  conversationId: string;
  position: number | null;
}

/**
 * The order after placing `id` before `before` (or last when `before` is undefined or is not
 * a favourite), or after removing it when `place` is null. Placing it before itself keeps it
 * where it is.
 */
export function placeFavourite(
  current: readonly string[],
  id: string,
  place: { before?: string | undefined } | null,
): string[] {
  if (place !== null && place.before === id && current.includes(id)) return [...current];
  const rest = current.filter((x) => x !== id);
  if (place === null) return rest;
  const at = place.before === undefined ? -1 : rest.indexOf(place.before);
  rest.splice(at === -1 ? rest.length : at, 0, id);
  return rest;
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
