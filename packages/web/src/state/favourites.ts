/**
 * My favourites as the sidebar shows them: the conversations with a place
 * (`favouritePosition`, kept by the server for every device of mine) in that order, and the
 * state with a new order applied at once, before the server's `member.updated` events confirm
 * it. Pure.
 */
import type { AppState, ConversationState } from './app-state';
import { applyMemberUpdate } from './reducers';

/** Favourite conversation ids in my order (by place, then id: a burst of updates may briefly tie two). */
export function favouriteOrder(conversations: Readonly<Record<string, ConversationState>>): string[] {
  return Object.values(conversations)
    .filter((c) => c.favouritePosition !== null)
    .sort(
      (a, b) =>
        (a.favouritePosition ?? 0) - (b.favouritePosition ?? 0) ||
        (a.conversation.id < b.conversation.id ? -1 : a.conversation.id > b.conversation.id ? 1 : 0),
    )
    .map((c) => c.conversation.id);
}

/** The state with exactly these favourites, in this order (the server renumbers the same way). */
export function withFavouriteOrder(state: AppState, order: readonly string[]): AppState {
  const places = new Map(order.map((id, index) => [id, index]));
  let next = state;
  for (const c of Object.values(state.conversations)) {
    const favouritePosition = places.get(c.conversation.id) ?? null;
    if (favouritePosition !== c.favouritePosition)
      next = applyMemberUpdate(next, { conversationId: c.conversation.id, favouritePosition });
  }
  return next;
}
