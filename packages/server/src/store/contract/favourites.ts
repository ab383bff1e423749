/**
 * Contract: a user's favourites (members.favourite_position): stored per member, read back in
 * order (deleted conversations left out), carried by the conversation list, gone when the
 * member leaves, and written inside a transaction with the lock taken first.
 */
import { describe, expect, it } from 'vitest';
import { type Harness, newGroup, newUsers } from './harness';

export function favouritesContract(h: Harness): void {
  describe('favourites', () => {
    it('keeps each member their own order, in the list, until they leave', async () => {
      const [me, bob] = await newUsers(h.store, 2);
      if (!me || !bob) throw new Error('fixture');
      const a = await newGroup(h.store, me, [bob], 'a');
      const b = await newGroup(h.store, me, [bob], 'b');
      const c = await newGroup(h.store, bob, [me], 'c');
      expect(await h.store.lockFavourites(me.id)).toEqual([]);

      await h.store.transaction(async (tx) => {
        expect(await tx.lockFavourites(me.id)).toEqual([]);
        await tx.setFavouritePositions(me.id, [
          { conversationId: c.id, position: 0 },
          { conversationId: a.id, position: 1 },
        ]);
      });
      await h.store.setFavouritePositions(bob.id, [{ conversationId: a.id, position: 0 }]);
      expect(await h.store.lockFavourites(me.id)).toEqual([c.id, a.id]);
      expect(await h.store.lockFavourites(bob.id)).toEqual([a.id]);

      // The list carries the place as a number (PostgreSQL's bigint included), null for the rest.
      const places = new Map(
        (await h.store.listConversationSummaries(me.id, { limit: 10 })).map((s) => [
          s.conversation.id,
          s.favouritePosition,
        ]),
      );
      expect(places).toEqual(
        new Map<string, number | null>([
          [a.id, 1],
          [b.id, null],
          [c.id, 0],
        ]),
      );

      await h.store.setFavouritePositions(me.id, [
        { conversationId: c.id, position: null },
        { conversationId: b.id, position: 0 },
        { conversationId: a.id, position: 1 },
      ]);
      expect(await h.store.lockFavourites(me.id)).toEqual([b.id, a.id]);

      // Leaving takes the favourite with the membership; a deleted conversation is no favourite.
      expect(await h.store.removeMember(a.id, me.id)).toBe(true);
      expect(await h.store.lockFavourites(me.id)).toEqual([b.id]);
      expect(await h.store.markConversationDeleted(b.id, Date.now())).toBe(true);
      expect(await h.store.lockFavourites(me.id)).toEqual([]);
      expect(await h.store.lockFavourites(bob.id)).toEqual([a.id]);
    });
  });
}
