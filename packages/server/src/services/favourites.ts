/**
 * Favourites: the conversations a user puts first in their sidebar, in their order, stored on
 * their member rows so they follow the user to every device (ADR 0024). Adding, moving and
 * removing one rewrites the places that changed in one write, each changed place an event
 * `member.updated` with `favouritePosition` on the user's topic (their other devices).
 */
import { AppError } from '../domain/errors';
import { placeFavourite } from '@parley/protocol';
import { changedPlaces } from '../domain/favourites';
import { topics } from '../ports/bus';
import type { AuthContext } from './accounts';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';

export class FavouriteService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
  ) {}

  /**
   * Makes a conversation you may read a favourite of yours, or moves it: before `before` (one of
   * your favourites), or last when `before` is absent or is not one. At most PARLEY_MAX_FAVOURITES.
   */
  async place(auth: AuthContext, conversationId: string, before?: string): Promise<void> {
    await this.conversations.authorize(auth, conversationId, 'read');
    await this.rewrite(auth, (current) => {
      const max = this.deps.limits.maxFavourites;
      if (!current.includes(conversationId) && current.length >= max) {
        throw new AppError('limit_reached', 'You have as many favourites as you may have.', {
          details: { limit: 'favourites', max },
        });
      }
      return placeFavourite(current, conversationId, { before });
    });
  }

  /** No longer a favourite (a conversation that is not one is left as it is). */
  async remove(auth: AuthContext, conversationId: string): Promise<void> {
    await this.conversations.authorize(auth, conversationId, 'read');
    await this.rewrite(auth, (current) => placeFavourite(current, conversationId, null));
  }

  private async rewrite(auth: AuthContext, change: (current: readonly string[]) => string[]): Promise<void> {
    const userId = auth.user.id;
    await this.deps.store.write(`favourites:${userId}`, async (tx) => {
      const current = await tx.lockFavourites(userId);
      const places = changedPlaces(current, change(current));
      if (places.length === 0) return;
      await tx.setFavouritePositions(userId, places);
      for (const { conversationId, position } of places) {
        await tx.emit(topics.user(userId), {
          v: 1,
          type: 'member.updated',
          userId,
          conversationId,
          favouritePosition: position,
        });
      }
    });
  }
}
