/**
 * Contract: changes to earlier messages. An `update` entry and the change to its
 * target commit together (the target's rev = the entry's seq); edits replace text
 * and mentions, deletes leave a tombstone, reactions and pins are summarized on
 * the target. Plus the counts that depend on entry kinds: unread (top-level
 * messages only), mentions (thread replies too), mark as unread.
 */
import type { Mentions, Message, UpdateContent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../ports/store';
import { type Harness, newGroup, newMessage, newUsers, tick, uid } from './harness';

/** Appends an update entry and runs the change with its seq, as the services do. */
export async function applyChange(
  store: Store,
  actorId: string,
  target: Message,
  content: Omit<UpdateContent, 'type' | 'messageId'>,
  change: (tx: Store, rev: number, at: number) => Promise<unknown>,
): Promise<Message> {
  return store.transaction(async (tx) => {
    const at = tick();
    const { message } = await tx.appendMessage({
      id: uid('msg'),
      conversationId: target.conversationId,
      senderId: actorId,
      clientId: uid('client'),
      content: { type: 'update', messageId: target.id, ...content },
      createdAt: at,
    });
    await change(tx, message.seq, at);
    return message;
  });
}

const none: Mentions = { userIds: [], here: false, channel: false };

export function updatesContract(h: Harness): void {
  describe('message changes', () => {
    it('stores replies, forwards and mentions and keeps update entries out of the preview', async () => {
      const [me, bob] = await newUsers(h.store, 2);
      if (!me || !bob) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bob]);
      const first = (await h.store.appendMessage(newMessage(group.id, bob.id, 'quoted'))).message;
      const reply = await h.store.appendMessage({
        ...newMessage(group.id, me.id, 'an answer'),
        replyTo: { messageId: first.id, seq: first.seq, senderId: bob.id, excerpt: 'quoted' },
        forwardedFrom: { senderId: bob.id, createdAt: first.createdAt },
        mentions: { userIds: [bob.id], here: false, channel: false },
      });
      expect(await h.store.getMessage(reply.message.id)).toEqual(reply.message);
      expect(reply.message).toMatchObject({
        replyTo: { messageId: first.id, excerpt: 'quoted' },
        forwardedFrom: { senderId: bob.id },
        mentions: { userIds: [bob.id] },
      });
      // A plain message has none of the optional fields.
      expect(Object.keys(first).sort()).toEqual(
        ['clientId', 'content', 'conversationId', 'createdAt', 'id', 'senderId', 'seq'].sort(),
      );

      await applyChange(h.store, bob.id, first, { action: 'reaction.added', emoji: '👍' }, (tx, rev, at) =>
        tx.addReaction(first.id, bob.id, '👍', at, rev),
      );
      const [summary] = await h.store.listConversationSummaries(bob.id, { limit: 1 });
      expect(summary?.conversation.lastSeq).toBe(3);
      expect(summary?.lastMessage?.id).toBe(reply.message.id);
      // Bob's unread: my reply (the update entry does not count).
      expect(summary).toMatchObject({ unreadCount: 1, mentionCount: 1, markedUnread: false, role: 'member' });
    });

    it('edits text and mentions with the update entry, and mention counts follow', async () => {
      const [me, bob, carol] = await newUsers(h.store, 3);
      if (!me || !bob || !carol) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bob, carol]);
      const original = (
        await h.store.appendMessage({
          ...newMessage(group.id, me.id, 'hi @bob'),
          mentions: { userIds: [bob.id], here: false, channel: false },
        })
      ).message;
      const mentionsOf = async (userId: string): Promise<number | undefined> =>
        (await h.store.listConversationSummaries(userId, { limit: 5 })).find((s) => s.conversation.id === group.id)
          ?.mentionCount;
      expect(await mentionsOf(bob.id)).toBe(1);
      expect(await mentionsOf(carol.id)).toBe(0);

      const mentions = { userIds: [carol.id], here: false, channel: false };
      const entry = await applyChange(
        h.store,
        me.id,
        original,
        { action: 'edited', text: 'hi @carol', mentions },
        (tx, rev, at) => tx.editMessage(original.id, 'hi @carol', mentions, at, rev),
      );
      expect(entry).toMatchObject({ seq: 2, content: { type: 'update', action: 'edited', messageId: original.id } });
      const edited = await h.store.getMessage(original.id);
      expect(edited).toMatchObject({ content: { type: 'text', text: 'hi @carol' }, rev: 2, mentions });
      expect(edited?.editedAt).toBeGreaterThan(original.createdAt);
      expect(await mentionsOf(bob.id)).toBe(0);
      expect(await mentionsOf(carol.id)).toBe(1);

      await applyChange(h.store, me.id, original, { action: 'edited', text: 'hi all' }, (tx, rev, at) =>
        tx.editMessage(original.id, 'hi all', { ...none, channel: true }, at, rev),
      );
      expect(await mentionsOf(bob.id)).toBe(1);
      await h.store.advanceReadCursor(group.id, bob.id, 3);
      expect(await mentionsOf(bob.id)).toBe(0);
    });

    it('deletes into a tombstone: reactions, pin, mentions and quotes go', async () => {
      const [me, bob] = await newUsers(h.store, 2);
      if (!me || !bob) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bob]);
      const doomed = (
        await h.store.appendMessage({
          ...newMessage(group.id, bob.id, 'oops @me'),
          mentions: { ...none, userIds: [me.id] },
        })
      ).message;
      const quoting = (
        await h.store.appendMessage({
          ...newMessage(group.id, me.id, 'what?'),
          replyTo: { messageId: doomed.id, seq: doomed.seq, senderId: bob.id, excerpt: 'oops @me' },
        })
      ).message;
      await applyChange(h.store, me.id, doomed, { action: 'reaction.added', emoji: '😮' }, (tx, rev, at) =>
        tx.addReaction(doomed.id, me.id, '😮', at, rev),
      );
      await applyChange(h.store, me.id, doomed, { action: 'pinned' }, (tx, rev, at) =>
        tx.setPinned(doomed.id, { at, by: me.id }, rev),
      );
      expect(await h.store.listPinned(group.id, 10)).toHaveLength(1);

      const entry = await applyChange(h.store, bob.id, doomed, { action: 'deleted' }, (tx, rev, at) =>
        tx.deleteMessage(doomed.id, at, rev),
      );
      const tombstone = await h.store.getMessage(doomed.id);
      expect(tombstone).toMatchObject({ content: { type: 'deleted' }, rev: entry.seq });
      expect(tombstone?.deletedAt).toBeGreaterThan(0);
      for (const gone of ['reactions', 'mentions', 'pinnedAt', 'pinnedBy'] as const) {
        expect(tombstone?.[gone]).toBeUndefined();
      }
      expect(await h.store.listPinned(group.id, 10)).toEqual([]);
      expect((await h.store.getMessage(quoting.id))?.replyTo).toEqual({
        messageId: doomed.id,
        seq: doomed.seq,
        senderId: bob.id,
        excerpt: '',
      });
      const [mine] = (await h.store.listConversationSummaries(me.id, { limit: 5 })).filter(
        (s) => s.conversation.id === group.id,
      );
      expect(mine?.mentionCount).toBe(0);
    });

    it('summarizes reactions per page with exact counts, the first 20 users and the reader’s own', async () => {
      const users = await newUsers(h.store, 23);
      const [me, ...others] = users;
      if (!me) throw new Error('fixture');
      const group = await newGroup(h.store, me, others);
      const target = (await h.store.appendMessage(newMessage(group.id, me.id, 'react to me'))).message;
      const plain = (await h.store.appendMessage(newMessage(group.id, me.id, 'nothing here'))).message;
      for (const user of users) {
        const added = await applyChange(
          h.store,
          user.id,
          target,
          { action: 'reaction.added', emoji: '🎉' },
          (tx, rev, at) => tx.addReaction(target.id, user.id, '🎉', at, rev),
        );
        expect(added.seq).toBeGreaterThan(0);
      }
      const second = others[0];
      if (!second) throw new Error('fixture');
      await applyChange(h.store, second.id, target, { action: 'reaction.added', emoji: '👍🏽' }, (tx, rev, at) =>
        tx.addReaction(target.id, second.id, '👍🏽', at, rev),
      );
      // Reacting twice with the same emoji adds nothing.
      expect(await h.store.addReaction(target.id, me.id, '🎉', tick(), 999)).toBe(false);
      expect(await h.store.countReactionKinds(target.id)).toBe(2);

      const page = await h.store.listMessages(group.id, { after: 0, limit: 2 });
      const [withReactions, without] = page;
      expect(withReactions?.reactions).toEqual([
        { emoji: '🎉', count: 23, userIds: users.slice(0, 20).map((u) => u.id) },
        { emoji: '👍🏽', count: 1, userIds: [second.id] },
      ]);
      expect(without).toEqual(plain);
      const [mine, plainForMe] = await h.store.withMyReactions(second.id, page);
      expect(mine?.myReactions).toEqual(['🎉', '👍🏽']);
      expect(plainForMe?.myReactions).toBeUndefined();

      const first = await h.store.listReactionUsers(target.id, '🎉', { limit: 15 });
      expect(first.items).toEqual(users.slice(0, 15).map((u) => u.id));
      const rest = await h.store.listReactionUsers(target.id, '🎉', { limit: 15, cursor: first.nextCursor ?? '' });
      expect(rest).toEqual({ items: users.slice(15).map((u) => u.id), nextCursor: null });

      expect(await h.store.removeReaction(target.id, second.id, '👍🏽', 1000)).toBe(true);
      expect(await h.store.removeReaction(target.id, second.id, '👍🏽', 1001)).toBe(false);
      expect((await h.store.getMessage(target.id))?.reactions?.map((r) => r.emoji)).toEqual(['🎉']);
    });

    it('lists pins most recent first and unpins', async () => {
      const [me] = await newUsers(h.store, 1);
      if (!me) throw new Error('fixture');
      const group = await newGroup(h.store, me);
      const a = (await h.store.appendMessage(newMessage(group.id, me.id, 'a'))).message;
      const b = (await h.store.appendMessage(newMessage(group.id, me.id, 'b'))).message;
      for (const target of [b, a]) {
        await applyChange(h.store, me.id, target, { action: 'pinned' }, (tx, rev, at) =>
          tx.setPinned(target.id, { at, by: me.id }, rev),
        );
      }
      const pins = await h.store.listPinned(group.id, 10);
      expect(pins.map((m) => m.id)).toEqual([a.id, b.id]);
      expect(pins[0]).toMatchObject({ pinnedBy: me.id, rev: 4 });
      await applyChange(h.store, me.id, a, { action: 'unpinned' }, (tx, rev) => tx.setPinned(a.id, null, rev));
      expect((await h.store.listPinned(group.id, 10)).map((m) => m.id)).toEqual([b.id]);
      expect(await h.store.getMessage(a.id)).toMatchObject({ rev: 5 });
    });

    it('rolls back the update entry with its change', async () => {
      const [me] = await newUsers(h.store, 1);
      if (!me) throw new Error('fixture');
      const group = await newGroup(h.store, me);
      const target = (await h.store.appendMessage(newMessage(group.id, me.id))).message;
      await expect(
        applyChange(h.store, me.id, target, { action: 'pinned' }, () => Promise.reject(new Error('no-op'))),
      ).rejects.toThrow('no-op');
      expect((await h.store.getConversation(group.id))?.lastSeq).toBe(1);
    });
  });

  describe('mark as unread', () => {
    it('counts from the marked seq until a read reaches it', async () => {
      const [me, bob] = await newUsers(h.store, 2);
      if (!me || !bob) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bob]);
      for (let i = 0; i < 4; i += 1) await h.store.appendMessage(newMessage(group.id, bob.id));
      await h.store.advanceReadCursor(group.id, me.id, 4);
      const mine = async (): Promise<unknown> =>
        (await h.store.listConversationSummaries(me.id, { limit: 5 })).find((s) => s.conversation.id === group.id);
      expect(await mine()).toMatchObject({ unreadCount: 0, markedUnread: false });
      await h.store.setMarkedUnread(group.id, me.id, 3);
      expect(await mine()).toMatchObject({ unreadCount: 2, markedUnread: true, readSeq: 4 });
      expect(await h.store.getMemberRecord(group.id, me.id)).toMatchObject({ markedUnreadSeq: 3 });
      await h.store.advanceReadCursor(group.id, me.id, 2);
      expect(await mine()).toMatchObject({ markedUnread: true });
      await h.store.advanceReadCursor(group.id, me.id, 4);
      expect(await mine()).toMatchObject({ unreadCount: 0, markedUnread: false });
    });
  });
}
