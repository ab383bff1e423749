/**
 * Contract: an account's own data (ports/account-data-records.ts, ADR 0026).
 * `findMessagesSentBy` finds the messages and update entries one sender sent, oldest
 * first, never system entries, never in held conversations; `deleteReactionsBy` removes
 * only that user's reactions; `listFileIdsOwnedBy` pages through their files.
 */
import { describe, expect, it } from 'vitest';
import { type Harness, newGroup, newMessage, newUsers, tick, uid } from './harness';
import { applyChange } from './updates';

export function accountDataContract(h: Harness): void {
  describe('account data', () => {
    it('finds what one account sent, its reactions and its files', async () => {
      const [me, bob] = await newUsers(h.store, 2);
      if (!me || !bob) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bob]);
      const held = await newGroup(h.store, me, [bob]);
      const first = (await h.store.appendMessage(newMessage(group.id, me.id, 'one'))).message;
      const bobs = (await h.store.appendMessage(newMessage(group.id, bob.id, 'his'))).message;
      const inHeld = (await h.store.appendMessage(newMessage(held.id, me.id, 'held'))).message;
      const reaction = await applyChange(
        h.store,
        me.id,
        bobs,
        { action: 'reaction.added', emoji: '👍' },
        (tx, rev, at) => tx.addReaction(bobs.id, me.id, '👍', at, rev),
      );
      await applyChange(h.store, bob.id, first, { action: 'reaction.added', emoji: '🎉' }, (tx, rev, at) =>
        tx.addReaction(first.id, bob.id, '🎉', at, rev),
      );

      const found = await h.store.findMessagesSentBy({ senderId: me.id, heldConversationIds: [held.id], limit: 10 });
      expect(found.map((m) => m.id)).toEqual([first.id, reaction.id]);
      const all = await h.store.findMessagesSentBy({ senderId: me.id, heldConversationIds: [], limit: 10 });
      expect(all.map((m) => m.id)).toEqual([first.id, inHeld.id, reaction.id]);
      expect((await h.store.findMessagesSentBy({ senderId: me.id, heldConversationIds: [], limit: 1 })).length).toBe(1);

      expect(await h.store.deleteReactionsBy(me.id)).toBe(1);
      expect(await h.store.deleteReactionsBy(me.id)).toBe(0);
      expect((await h.store.getMessage(first.id))?.reactions).toEqual([expect.objectContaining({ emoji: '🎉' })]);

      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const file = await h.store.createFile({
          id: uid('f'),
          ownerId: me.id,
          name: 'a.txt',
          size: 1,
          mime: 'text/plain',
          kind: 'file',
          blobKey: `files/${uid('f')}`,
          createdAt: tick(),
        });
        ids.push(file.id);
      }
      ids.sort();
      const page = await h.store.listFileIdsOwnedBy(me.id, undefined, 2);
      expect(page).toEqual(ids.slice(0, 2));
      expect(await h.store.listFileIdsOwnedBy(me.id, page.at(-1), 2)).toEqual(ids.slice(2));
      expect(await h.store.listFileIdsOwnedBy(bob.id, undefined, 2)).toEqual([]);
    });
  });
}
