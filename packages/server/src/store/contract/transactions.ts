/**
 * Contract: transactions (all or nothing, nested calls join the outer one),
 * migrations (idempotent) and closing.
 */
import { describe, expect, it } from 'vitest';
import { type Harness, type MakeStore, newGroup, newMessage, newUser, tick, uid, uname } from './harness';

export function transactionsContract(h: Harness, makeStore: MakeStore): void {
  describe('transactions', () => {
    it('returns the value of fn and commits its writes', async () => {
      const username = uname();
      const result = await h.store.transaction(async (tx) => (await newUser(tx, username)).id);
      expect((await h.store.getUserByUsername(username))?.id).toBe(result);
    });

    it('writes nothing when fn throws', async () => {
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      await h.store.appendMessage(newMessage(group.id, owner.id));
      const username = uname();
      const conversationId = uid('conv');
      const failed = h.store.transaction(async (tx) => {
        const user = await newUser(tx, username);
        await tx.createConversation(
          { id: conversationId, kind: 'group', title: 't', directKey: null, createdAt: tick() },
          [{ userId: user.id, role: 'owner' }],
        );
        await tx.appendMessage(newMessage(conversationId, user.id));
        await tx.appendMessage(newMessage(group.id, owner.id));
        await tx.addContact(owner.id, user.id, tick());
        await tx.advanceReadCursor(group.id, owner.id, 2);
        throw new Error('boom');
      });
      await expect(failed).rejects.toThrow('boom');
      expect(await h.store.getUserByUsername(username)).toBeUndefined();
      expect(await h.store.getConversation(conversationId)).toBeUndefined();
      expect(await h.store.listContacts(owner.id)).toEqual([]);
      expect(await h.store.getConversation(group.id)).toMatchObject({ lastSeq: 1 });
      expect(await h.store.getMember(group.id, owner.id)).toMatchObject({ readSeq: 0 });
      // The rolled-back append left no gap behind it.
      const next = await h.store.appendMessage(newMessage(group.id, owner.id));
      expect(next.message.seq).toBe(2);
    });

    it('joins nested calls to the outer transaction', async () => {
      const kept = uname();
      const lost = uname();
      await h.store.transaction(async (outer) => {
        await outer.transaction((inner) => newUser(inner, kept));
      });
      await expect(
        h.store.transaction(async (outer) => {
          await outer.transaction((inner) => newUser(inner, lost));
          expect(await outer.getUserByUsername(lost)).toBeDefined();
          throw new Error('outer fails');
        }),
      ).rejects.toThrow('outer fails');
      expect(await h.store.getUserByUsername(kept)).toBeDefined();
      expect(await h.store.getUserByUsername(lost)).toBeUndefined();
    });
  });

  describe('lifecycle', () => {
    it('migrates idempotently', async () => {
      await h.store.migrate();
      await h.store.migrate();
      expect(await h.store.getUser(uid('missing'))).toBeUndefined();
    });

    it('closes idempotently, and refuses work afterwards', async () => {
      const { store, cleanup } = await makeStore();
      try {
        await newUser(store);
        await store.close();
        await store.close();
        await expect(store.getUser(uid('any'))).rejects.toThrow();
      } finally {
        await cleanup();
      }
    });
  });
}
