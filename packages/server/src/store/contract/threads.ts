/**
 * Contract: threads. A reply with a threadId sits in the conversation's sequence,
 * bumps its root's summary and makes the sender (and the root's author, and the
 * people it mentions) a participant with a thread read cursor. Thread replies are not unread in the main
 * view and not the list preview, but they do count as mentions.
 */
import { describe, expect, it } from 'vitest';
import { type Harness, newGroup, newMessage, newUsers } from './harness';

export function threadsContract(h: Harness): void {
  describe('threads', () => {
    it('bumps the root, lists the replies and tracks participants and unread state', async () => {
      const [me, bob, carol] = await newUsers(h.store, 3);
      if (!me || !bob || !carol) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bob, carol]);
      const root = (await h.store.appendMessage(newMessage(group.id, me.id, 'root'))).message;
      const main = (await h.store.appendMessage(newMessage(group.id, me.id, 'main line'))).message;
      const r1 = (await h.store.appendMessage({ ...newMessage(group.id, bob.id, 'r1'), threadId: root.id })).message;
      const r2 = (
        await h.store.appendMessage({
          ...newMessage(group.id, carol.id, 'r2 @me'),
          threadId: root.id,
          mentions: { userIds: [me.id], here: false, channel: false },
        })
      ).message;
      expect(r2).toMatchObject({ seq: 4, threadId: root.id });

      expect((await h.store.getMessage(root.id))?.thread).toEqual({
        replyCount: 2,
        lastReplyAt: r2.createdAt,
        lastReplySeq: 4,
        participantIds: [me.id, bob.id, carol.id],
      });
      expect((await h.store.listMessages(group.id, { threadId: root.id, limit: 10 })).map((m) => m.id)).toEqual([
        r1.id,
        r2.id,
      ]);
      expect(await h.store.listMessages(group.id, { threadId: root.id, after: 3, limit: 10 })).toHaveLength(1);

      const [summary] = await h.store.listConversationSummaries(me.id, { limit: 1 });
      // The preview and unread count ignore thread replies; the mention in one counts.
      expect(summary?.lastMessage?.id).toBe(main.id);
      expect(summary).toMatchObject({ unreadCount: 0, mentionCount: 1 });

      const mine = await h.store.listThreads(me.id, { limit: 10 });
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ unreadCount: 2, readSeq: 0, root: { id: root.id, thread: { replyCount: 2 } } });
      // Bob has read up to his own reply: carol's is unread for him.
      expect(await h.store.listThreads(bob.id, { conversationId: group.id, limit: 10 })).toMatchObject([
        { unreadCount: 1, readSeq: 3 },
      ]);
      expect(await h.store.listThreads(bob.id, { conversationId: root.id, limit: 10 })).toEqual([]);

      expect(await h.store.advanceThreadRead(root.id, me.id, 3)).toBe(true);
      expect(await h.store.listThreads(me.id, { limit: 10 })).toMatchObject([{ unreadCount: 1, readSeq: 3 }]);
      expect(await h.store.advanceThreadRead(root.id, me.id, 99)).toBe(true);
      expect(await h.store.advanceThreadRead(root.id, me.id, 1)).toBe(true);
      expect(await h.store.listThreads(me.id, { limit: 10 })).toMatchObject([{ unreadCount: 0, readSeq: 4 }]);
      const [outsider] = await newUsers(h.store, 1);
      if (!outsider) throw new Error('fixture');
      expect(await h.store.advanceThreadRead(root.id, outsider.id, 4)).toBe(false);
    });

    it('makes the people a reply mentions follow the thread from that reply on', async () => {
      const [me, bob, carol, dave] = await newUsers(h.store, 4);
      if (!me || !bob || !carol || !dave) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bob, carol, dave]);
      const root = (await h.store.appendMessage(newMessage(group.id, me.id, 'root'))).message;
      await h.store.appendMessage({ ...newMessage(group.id, bob.id, 'r1'), threadId: root.id });
      expect(await h.store.listThreads(dave.id, { limit: 10 })).toEqual([]);
      const r2 = (
        await h.store.appendMessage({
          ...newMessage(group.id, bob.id, 'r2 @dave @carol'),
          threadId: root.id,
          mentions: { userIds: [dave.id, carol.id, bob.id], here: false, channel: false },
        })
      ).message;
      // Unread from the reply that names them (r1 came before): one reply, in their threads.
      for (const follower of [dave, carol]) {
        expect(await h.store.listThreads(follower.id, { limit: 10 })).toMatchObject([
          { root: { id: root.id }, unreadCount: 1, readSeq: r2.seq - 1 },
        ]);
      }
      expect((await h.store.getMessage(root.id))?.thread?.participantIds).toEqual([
        me.id,
        bob.id,
        ...[carol.id, dave.id].sort(),
      ]);
      // Named again later: the cursor stays where it was.
      expect(await h.store.advanceThreadRead(root.id, dave.id, r2.seq)).toBe(true);
      await h.store.appendMessage({
        ...newMessage(group.id, carol.id, 'r3 @dave'),
        threadId: root.id,
        mentions: { userIds: [dave.id], here: false, channel: false },
      });
      expect(await h.store.listThreads(dave.id, { limit: 10 })).toMatchObject([{ unreadCount: 1, readSeq: r2.seq }]);
    });

    it('refuses a root from another conversation', async () => {
      const [me] = await newUsers(h.store, 1);
      if (!me) throw new Error('fixture');
      const one = await newGroup(h.store, me);
      const other = await newGroup(h.store, me);
      const root = (await h.store.appendMessage(newMessage(one.id, me.id))).message;
      await expect(h.store.appendMessage({ ...newMessage(other.id, me.id), threadId: root.id })).rejects.toMatchObject({
        code: 'not_found',
      });
      expect((await h.store.getConversation(other.id))?.lastSeq).toBe(0);
    });
  });
}
