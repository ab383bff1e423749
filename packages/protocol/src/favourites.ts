/**
 * Where a favourite goes (`PUT /v1/conversations/:id/favourite`): one pure rule shared by the
 * server, which stores the result, and clients, which show it before the server confirms.
 */

/**
 * The order of favourites (conversation ids) after placing `id` before `before`, or last when
 * `before` is undefined or is not a favourite; after removing it when `place` is null. Placing
 * a favourite before itself leaves the order as it is.
 *
 * @example
 * placeFavourite(['a', 'b'], 'c', { before: 'b' }); // ['a', 'c', 'b']
 * placeFavourite(['a', 'b', 'c'], 'a', {}); // ['b', 'c', 'a']
 * placeFavourite(['a', 'b'], 'a', null); // ['b']
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
