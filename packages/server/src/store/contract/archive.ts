/**
 * Contract: the time-ordered archive (listArchive, XMPP MAM). The personal archive
 * holds the reader's direct conversations only, ordered by (createdAt, seq, id),
 * keyset-paged both ways, bounded by time, without system entries and without
 * conversations the reader is not in; one conversation can be read the same way.
 */
import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { ArchiveKey } from '../../ports/store';
import { type Harness, newGroup, newMessage, newUser, tick, uid } from './harness';

const key = (m: Message): ArchiveKey => ({ createdAt: m.createdAt, seq: m.seq, id: m.id });
const texts = (list: Message[]) => list.map((m) => (m.content.type === 'text' ? m.content.text : m.content.type));

export function archiveContract(h: Harness): void {
  describe('archive', () => {
    async function direct(a: { id: string }, b: { id: string }) {
      const { conversation } = await h.store.createConversation(
        { id: uid('conv'), kind: 'direct', title: null, directKey: [a.id, b.id].sort().join(':'), createdAt: tick() },
        [
          { userId: a.id, role: 'member' },
          { userId: b.id, role: 'member' },
        ],
      );
      return conversation;
    }

    it('merges every direct conversation of the reader by time, and nothing else', async () => {
      const [me, bob, carol, dave] = [
        await newUser(h.store),
        await newUser(h.store),
        await newUser(h.store),
        await newUser(h.store),
      ];
      const withBob = await direct(me, bob);
      const withCarol = await direct(me, carol);
      const others = await direct(bob, dave);
      const group = await newGroup(h.store, me, [bob]);
      const append = async (conversationId: string, senderId: string, body: string) =>
        (await h.store.appendMessage(newMessage(conversationId, senderId, body))).message;
      await append(withBob.id, me.id, 'a1');
      await append(withCarol.id, carol.id, 'a2');
      await append(group.id, me.id, 'group');
      await append(others.id, bob.id, 'not mine');
      await append(withBob.id, bob.id, 'a3');
      await h.store.appendMessage({
        ...newMessage(withCarol.id, me.id),
        content: { type: 'system', action: 'renamed', title: 'x' },
      });
      await append(withCarol.id, me.id, 'a4');

      const all = await h.store.listArchive(me.id, { limit: 10 });
      expect(texts(all)).toEqual(['a1', 'a2', 'a3', 'a4']);
      // Keyset pages, forwards and backwards, in ascending order each.
      const first = await h.store.listArchive(me.id, { limit: 2 });
      expect(texts(first)).toEqual(['a1', 'a2']);
      const next = await h.store.listArchive(me.id, { limit: 2, after: key(first[1]!) });
      expect(texts(next)).toEqual(['a3', 'a4']);
      expect(await h.store.listArchive(me.id, { limit: 2, after: key(next[1]!) })).toEqual([]);
      const newest = await h.store.listArchive(me.id, { limit: 3, fromEnd: true });
      expect(texts(newest)).toEqual(['a2', 'a3', 'a4']);
      const older = await h.store.listArchive(me.id, { limit: 3, fromEnd: true, before: key(newest[0]!) });
      expect(texts(older)).toEqual(['a1']);
      // Both bounds at once, and time filters (inclusive).
      expect(texts(await h.store.listArchive(me.id, { limit: 10, after: key(all[0]!), before: key(all[3]!) }))).toEqual(
        ['a2', 'a3'],
      );
      expect(
        texts(await h.store.listArchive(me.id, { limit: 10, start: all[1]!.createdAt, end: all[2]!.createdAt })),
      ).toEqual(['a2', 'a3']);
      // One conversation, of any kind, for a member; nothing for anyone else.
      expect(texts(await h.store.listArchive(me.id, { limit: 10, conversationId: group.id }))).toEqual(['group']);
      expect(await h.store.listArchive(dave.id, { limit: 10, conversationId: group.id })).toEqual([]);
      expect(texts(await h.store.listArchive(dave.id, { limit: 10 }))).toEqual(['not mine']);
    });

    it('orders messages of the same millisecond by seq', async () => {
      const [me, bob] = [await newUser(h.store), await newUser(h.store)];
      const conversation = await direct(me, bob);
      const at = tick();
      for (const body of ['s1', 's2', 's3']) {
        // Ids that sort against seq order: only seq may decide.
        await h.store.appendMessage({
          ...newMessage(conversation.id, me.id, body),
          id: uid(`z${4 - Number(body[1])}`),
          createdAt: at,
        });
      }
      const page = await h.store.listArchive(me.id, { limit: 2 });
      expect(texts(page)).toEqual(['s1', 's2']);
      expect(texts(await h.store.listArchive(me.id, { limit: 2, after: key(page[1]!) }))).toEqual(['s3']);
    });
  });
}
