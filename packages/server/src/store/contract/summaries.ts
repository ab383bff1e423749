/**
 * Contract: the conversation list (ordering, last message, unread counts) and
 * receipt cursors (monotonic, clamped to the conversation's last seq).
 */
import { describe, expect, it } from 'vitest';
import { type Harness, newGroup, newMessage, newUsers, uid } from './harness';

export function summariesContract(h: Harness): void {
  describe('conversation summaries', () => {
    it('orders by latest activity and carries last message, cursors and unread count', async () => {
      const [me, bob, carol] = await newUsers(h.store, 3);
      if (!me || !bob || !carol) throw new Error('fixture');
      const quiet = await newGroup(h.store, me, [bob], 'quiet');
      const busy = await newGroup(h.store, bob, [me, carol], 'busy');
      const mine = await newGroup(h.store, me, [carol], 'mine');
      await newGroup(h.store, bob, [carol], 'not mine');

      await h.store.appendMessage(newMessage(busy.id, bob.id, 'b1'));
      await h.store.appendMessage(newMessage(busy.id, me.id, 'me1'));
      await h.store.appendMessage(newMessage(mine.id, me.id, 'only me'));
      await h.store.appendMessage(newMessage(busy.id, carol.id, 'c1'));
      const last = await h.store.appendMessage(newMessage(busy.id, bob.id, 'b2'));
      await h.store.advanceReadCursor(busy.id, me.id, 1);
      await h.store.advanceDeliveredCursor(busy.id, me.id, 3);

      const summaries = await h.store.listConversationSummaries(me.id, { limit: 10 });
      expect(summaries.map((s) => s.conversation.id)).toEqual([busy.id, mine.id, quiet.id]);
      const [busySummary, mineSummary, quietSummary] = summaries;
      // Messages after seq 1 from others: c1 and b2 (me1 is mine).
      expect(busySummary).toMatchObject({ lastMessage: last.message, unreadCount: 2, readSeq: 1, deliveredSeq: 3 });
      expect(busySummary?.conversation).toEqual(await h.store.getConversation(busy.id));
      expect(busySummary?.conversation.members).toHaveLength(3);
      expect(mineSummary).toMatchObject({ unreadCount: 0, readSeq: 0, deliveredSeq: 0 });
      expect(mineSummary?.lastMessage?.content).toEqual({ type: 'text', text: 'only me' });
      expect(quietSummary).toMatchObject({ lastMessage: null, unreadCount: 0, readSeq: 0, deliveredSeq: 0 });

      const firstTwo = await h.store.listConversationSummaries(me.id, { limit: 2 });
      expect(firstTwo.map((s) => s.conversation.id)).toEqual([busy.id, mine.id]);
      expect(await h.store.listConversationSummaries(uid('nobody'), { limit: 10 })).toEqual([]);

      await h.store.advanceReadCursor(busy.id, me.id, 4);
      const [afterRead] = await h.store.listConversationSummaries(me.id, { limit: 1 });
      expect(afterRead).toMatchObject({ unreadCount: 0, readSeq: 4 });
    });
  });

  describe('cursors', () => {
    it('only move forward and never beyond the last seq', async () => {
      const [me, bob] = await newUsers(h.store, 2);
      if (!me || !bob) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bob]);
      for (let i = 0; i < 5; i += 1) await h.store.appendMessage(newMessage(group.id, bob.id));

      expect(await h.store.advanceReadCursor(group.id, me.id, 3)).toBe(3);
      expect(await h.store.advanceReadCursor(group.id, me.id, 2)).toBe(3);
      expect(await h.store.advanceReadCursor(group.id, me.id, 99)).toBe(5);
      expect(await h.store.advanceReadCursor(group.id, me.id, -1)).toBe(5);
      expect(await h.store.advanceDeliveredCursor(group.id, me.id, 4)).toBe(4);
      expect(await h.store.advanceDeliveredCursor(group.id, me.id, 1)).toBe(4);
      expect(await h.store.advanceDeliveredCursor(group.id, me.id, 1000)).toBe(5);
      expect(await h.store.getMember(group.id, me.id)).toMatchObject({ readSeq: 5, deliveredSeq: 5 });
      expect(await h.store.getMember(group.id, bob.id)).toMatchObject({ readSeq: 0, deliveredSeq: 0 });
    });

    it('end at the highest of concurrent advances', async () => {
      const [me, bob] = await newUsers(h.store, 2);
      if (!me || !bob) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bob]);
      for (let i = 0; i < 20; i += 1) await h.store.appendMessage(newMessage(group.id, bob.id));
      const targets = Array.from({ length: 20 }, (_, i) => 20 - i);
      await Promise.all(targets.map((seq) => h.store.advanceReadCursor(group.id, me.id, seq)));
      expect((await h.store.getMember(group.id, me.id))?.readSeq).toBe(20);
    });

    it('fail with not_member for a non-member', async () => {
      const [me, outsider] = await newUsers(h.store, 2);
      if (!me || !outsider) throw new Error('fixture');
      const group = await newGroup(h.store, me);
      await expect(h.store.advanceReadCursor(group.id, outsider.id, 1)).rejects.toMatchObject({ code: 'not_member' });
      await expect(h.store.advanceDeliveredCursor(uid('missing'), me.id, 1)).rejects.toMatchObject({
        code: 'not_member',
      });
    });
  });
}
