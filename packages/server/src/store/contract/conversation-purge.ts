/**
 * Store contract: archiving, and deleting a conversation (docs/adr/0020). A deleted
 * conversation is gone for every read at once; the batched erasure then leaves no row
 * that names it or its messages in any table (counted table by table), keeps what
 * other conversations still carry (a forwarded file), and never touches a live one.
 */
import { describe, expect, it } from 'vitest';
import type { NewFile } from '../../ports/file-records';
import type { PurgeStep, Store } from '../../ports/store';
import { type Harness, newChannel, newGroup, newMessage, newUsers, tick, uid } from './harness';

function newFile(ownerId: string): NewFile {
  const id = uid('f');
  return {
    id,
    ownerId,
    name: 'a.png',
    size: 10,
    mime: 'image/png',
    kind: 'file',
    blobKey: `f/${id}`,
    createdAt: tick(),
  };
}

/** Runs the erasure to its end, a batch at a time; returns every step. */
async function purgeAll(store: Store, id: string, limit: number): Promise<PurgeStep[]> {
  const steps: PurgeStep[] = [];
  for (let i = 0; i < 10_000; i += 1) {
    const step = await store.purgeConversationStep(id, limit);
    steps.push(step);
    if (step.done) return steps;
  }
  throw new Error('the purge never finished');
}

export function conversationPurgeContract(h: Harness): void {
  describe('archive and delete (ADR 0020)', () => {
    it('archives and unarchives a conversation, once each', async () => {
      const [owner] = await newUsers(h.store, 1);
      const channel = await newChannel(h.store, owner!, [], { visibility: 'public', title: `arch ${uid()}` });
      expect(channel.archivedAt).toBeUndefined();
      const at = tick();
      expect(await h.store.setConversationArchived(channel.id, at)).toBe(true);
      expect(await h.store.setConversationArchived(channel.id, tick())).toBe(false);
      expect((await h.store.getConversation(channel.id))?.archivedAt).toBe(at);
      const [summary] = await h.store.listConversationSummaries(owner!.id, { limit: 10 });
      expect(summary?.conversation.archivedAt).toBe(at);
      // Archived channels take no one new: not in the directory.
      const listed = await h.store.listPublicChannels(owner!.id, { limit: 100, query: channel.title ?? '' });
      expect(listed.items.map((c) => c.id)).not.toContain(channel.id);
      expect(await h.store.setConversationArchived(channel.id, null)).toBe(true);
      expect(await h.store.setConversationArchived(channel.id, null)).toBe(false);
      expect((await h.store.getConversation(channel.id))?.archivedAt).toBeUndefined();
    });

    it('a deleted conversation is gone for every read at once, before any row is erased', async () => {
      const [owner, bob] = await newUsers(h.store, 2);
      const group = await newGroup(h.store, owner!, [bob!]);
      const word = `canary${uid().replaceAll('_', '')}`.toLowerCase();
      await h.store.appendMessage(newMessage(group.id, bob!.id, `the ${word} sings`));
      expect(await h.store.markConversationDeleted(group.id, tick())).toBe(true);
      expect(await h.store.markConversationDeleted(group.id, tick())).toBe(false);
      expect(await h.store.getConversation(group.id)).toBeUndefined();
      expect(await h.store.listConversationIds(bob!.id)).not.toContain(group.id);
      const summaries = await h.store.listConversationSummaries(bob!.id, { limit: 100 });
      expect(summaries.map((s) => s.conversation.id)).not.toContain(group.id);
      expect((await h.store.listMembershipStarts(bob!.id, [group.id])).has(group.id)).toBe(false);
      expect(await h.store.listConversationPartners(bob!.id)).not.toContain(owner!.id);
      const hits = await h.store.searchMessages({
        terms: [word],
        userId: bob!.id,
        sort: 'recent',
        offset: 0,
        limit: 10,
      });
      expect(hits).toEqual([]);
      // Rows are still there until the erasure runs.
      const rows = await h.store.countConversationRows(group.id, []);
      expect(rows.messages).toBeGreaterThan(0);
    });

    it('erases in batches every row that names the conversation or its messages', async () => {
      const users = await newUsers(h.store, 6);
      const [owner, bob, carol, ...rest] = users;
      const channel = await newChannel(h.store, owner!, [bob!, carol!, ...rest]);
      const other = await newGroup(h.store, owner!, [bob!]);
      const word = `erase${uid().replaceAll('_', '')}`.toLowerCase();
      const messageIds: string[] = [];
      const send = async (senderId: string, body: string, extra: object = {}) => {
        const { message } = await h.store.appendMessage({ ...newMessage(channel.id, senderId, body), ...extra });
        messageIds.push(message.id);
        return message;
      };
      const root = await send(bob!.id, `root ${word}`, {
        mentions: { userIds: [carol!.id], here: false, channel: false },
      });
      for (let i = 0; i < 7; i += 1) await send(carol!.id, `reply ${i} ${word}`, { threadId: root.id });
      for (let i = 0; i < 5; i += 1) await send(owner!.id, `message ${i} ${word}`);
      await h.store.addReaction(root.id, carol!.id, '👍', tick(), root.seq);
      await h.store.setPinned(root.id, { at: tick(), by: owner!.id }, root.seq);
      await h.store.advanceThreadRead(root.id, carol!.id, 3);
      // A file only this conversation carries, and one forwarded to another conversation too.
      const only = await h.store.createFile(newFile(bob!.id));
      const shared = await h.store.createFile(newFile(bob!.id));
      const fileContent = (fileId: string) => ({
        type: 'file' as const,
        fileId,
        name: 'a.png',
        size: 10,
        mime: 'image/png',
        kind: 'image' as const,
      });
      await send(bob!.id, '', { content: fileContent(only.id) });
      await send(bob!.id, '', { content: fileContent(shared.id) });
      await h.store.appendMessage({ ...newMessage(other.id, bob!.id), content: fileContent(shared.id) });
      await h.store.addBan(channel.id, {
        userId: rest[0]!.id,
        bannedBy: owner!.id,
        reason: null,
        createdAt: tick(),
        expiresAt: null,
      });
      await h.store.createReport({
        id: uid('report'),
        conversationId: channel.id,
        messageId: root.id,
        reporterId: carol!.id,
        reason: 'spam',
        createdAt: tick(),
      });
      await h.store.createInvite({
        code: uid('code'),
        conversationId: channel.id,
        createdBy: owner!.id,
        createdAt: tick(),
        expiresAt: null,
        maxUses: null,
        uses: 0,
        revoked: false,
      });
      const otherBefore = await h.store.countConversationRows(other.id, []);

      const before = await h.store.countConversationRows(channel.id, messageIds);
      for (const table of ['conversations', 'members', 'messages', 'message_mentions', 'thread_participants']) {
        expect([table, before[table]]).toEqual([table, expect.any(Number) as number]);
        expect(before[table]).toBeGreaterThan(0);
      }
      for (const table of ['bans', 'reports', 'invites', 'file_refs', 'reactions', 'search']) {
        expect([table, before[table]! > 0]).toEqual([table, true]);
      }

      // Nothing is erased from a conversation that is not marked deleted.
      expect(await h.store.purgeConversationStep(channel.id, 3)).toEqual({ done: true, removed: 0, orphanFileIds: [] });
      expect((await h.store.countConversationRows(channel.id, messageIds)).messages).toBe(before.messages);

      await h.store.markConversationDeleted(channel.id, tick());
      const steps = await purgeAll(h.store, channel.id, 3);
      // Batches of at most 3 rows: messages, then the 6 members, then the row.
      expect(steps.every((s) => s.removed <= 3)).toBe(true);
      expect(steps.length).toBeGreaterThanOrEqual(Math.ceil(messageIds.length / 3) + 2 + 1);
      expect(steps.flatMap((s) => s.orphanFileIds)).toEqual([only.id]);

      const after = await h.store.countConversationRows(channel.id, messageIds);
      expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      // Files are the caller's to delete (with their blobs); the forwarded one is still carried.
      expect(await h.store.listFileConversations(shared.id)).toEqual([other.id]);
      expect(await h.store.listFileConversations(only.id)).toEqual([]);
      // The other conversation is untouched.
      expect(await h.store.countConversationRows(other.id, [])).toEqual(otherBefore);
      // Running again is harmless.
      expect(await h.store.purgeConversationStep(channel.id, 3)).toEqual({ done: true, removed: 0, orphanFileIds: [] });
    });
  });
}
