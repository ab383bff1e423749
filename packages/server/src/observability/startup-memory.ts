/**
 * Gives back the memory that start-up borrowed. Loading modules and building the server
 * allocates tens of MB that mostly survive, so V8 grows its young generation to its maximum
 * (two 16 MB semi-spaces) and keeps it: a third of an idle server's resident memory. V8 shrinks
 * the young generation at a full collection when the allocation rate of the last seconds was low,
 * so two collections, one when listening and one a few seconds later, return it on a server that
 * is idle, and leave it as it is on one that is already busy (V8 grows it again under load).
 * Needs `gc` (node --expose-gc, as `npm start` runs the server: ADR 0015); without it, nothing.
 */
const SECOND_COLLECTION_MS = 6_000;

export function releaseStartupMemory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return;
  gc();
  setTimeout(() => gc(), SECOND_COLLECTION_MS).unref();
}
