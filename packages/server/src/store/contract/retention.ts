/**
 * Contract: retention (ADR 0019). `purgeMessages` leaves no row that refers to a deleted
 * message (reactions, mentions, thread participants, reports, file refs, calls, search),
 * rewrites later edits as content-free `expired` entries, empties kept quotes and fixes
 * thread summaries; `findExpiredMessages` honours the cutoff, legal holds and conversations
 * with their own period; holds, conversation periods and the lease behave as the service
 * relies on.
 */
import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../ports/store';
import { type Harness, newGroup, newMessage, newUsers, tick, uid } from './harness';
import { applyChange } from './updates';

async function post(store: Store, message: Parameters<Store['appendMessage']>[0]): Promise<Message> {
  return (await store.appendMessage(message)).message;
}

export function retentionContract(h: Harness): void {
  describe('retention', () => {
    it('purges messages with every row that refers to them, and keeps what refers to kept ones right', async () => {
      const [me, bob] = await newUsers(h.store, 2);
      if (!me || !bob) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bob]);
      const canary = `canary${uid('').replace(/[^a-z0-9]/gi, '')}`;
      const old = await post(h.store, newMessage(group.id, me.id, `${canary} old root`));
      const oldReply = await post(h.store, {
        ...newMessage(group.id, bob.id, `${canary} reply @me`),
        threadId: old.id,
        mentions: { userIds: [me.id], here: false, channel: false },
      });
      const keptRoot = await post(h.store, newMessage(group.id, me.id, 'kept root'));
      const doomedReply = await post(h.store, { ...newMessage(group.id, bob.id, 'doomed'), threadId: keptRoot.id });
      const file = await h.store.createFile({
        id: uid('f'),
        ownerId: me.id,
        name: 'a.png',
        size: 10,
        mime: 'image/png',
        kind: 'image',
        blobKey: `files/${uid('f')}`,
        createdAt: tick(),
      });
      const fileMessage = await post(h.store, {
        ...newMessage(group.id, me.id),
        content: { type: 'file', fileId: file.id, name: 'a.png', size: 10, mime: 'image/png', kind: 'image' },
      });
      await applyChange(h.store, bob.id, old, { action: 'reaction.added', emoji: '👍' }, (tx, rev, at) =>
        tx.addReaction(old.id, bob.id, '👍', at, rev),
      );
      await applyChange(h.store, me.id, old, { action: 'pinned' }, (tx, rev, at) =>
        tx.setPinned(old.id, { at, by: me.id }, rev),
      );
      const edit = await applyChange(
        h.store,
        me.id,
        old,
        { action: 'edited', text: `${canary} edited` },
        (tx, rev, at) => tx.editMessage(old.id, `${canary} edited`, undefined, at, rev),
      );
      await h.store.createReport({
        id: uid('r'),
        conversationId: group.id,
        messageId: old.id,
        reporterId: bob.id,
        reason: 'spam',
        createdAt: tick(),
      });
      const quote = await post(h.store, {
        ...newMessage(group.id, bob.id, 'quoting it'),
        replyTo: { messageId: old.id, seq: old.seq, senderId: me.id, excerpt: `${canary} old` },
      });
      const search = () =>
        h.store.searchMessages({ userId: me.id, terms: [canary], sort: 'recent', offset: 0, limit: 10 });
      expect((await search()).length).toBeGreaterThan(0);

      const ids = [old.id, oldReply.id, doomedReply.id, fileMessage.id];
      const before = await h.store.countMessageReferences(ids);
      expect(before).toMatchObject({ messages: 4, reactions: 1, message_mentions: 1, reports: 1, file_refs: 1 });
      expect(before.thread_participants).toBeGreaterThan(0);

      const counts = await h.store.purgeMessages(ids);
      // The reaction, pin and edit entries on `old` become `expired` entries.
      expect(counts).toMatchObject({ messages: 4, edits: 3, reactions: 1, reports: 1, quotes: 1, fileRefs: 1 });
      expect(counts.releasedFileIds).toEqual([file.id]);
      const after = await h.store.countMessageReferences(ids);
      expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
      expect(await search()).toEqual([]);
      for (const id of ids) expect(await h.store.getMessage(id)).toBeUndefined();
      // The edit stays in the sequence (no hole) but carries no text; the quote loses its excerpt.
      expect((await h.store.getMessage(edit.id))?.content).toEqual({
        type: 'update',
        action: 'expired',
        messageId: old.id,
        messageIds: [old.id],
      });
      expect((await h.store.getMessage(quote.id))?.replyTo).toMatchObject({ messageId: old.id, excerpt: '' });
      expect((await h.store.getMessage(keptRoot.id))?.thread?.replyCount ?? 0).toBe(0);
      expect(await h.store.listPinned(group.id, 10)).toEqual([]);
      // Purging again finds nothing.
      expect((await h.store.purgeMessages(ids)).messages).toBe(0);
    });

    it('finds expired messages oldest first, minus held users and conversations and those with their own period', async () => {
      const [me, held, other] = await newUsers(h.store, 3);
      if (!me || !held || !other) throw new Error('fixture');
      const plain = await newGroup(h.store, me, [held]);
      const heldGroup = await newGroup(h.store, other, [me]);
      const own = await newGroup(h.store, me, [other]);
      const a = await post(h.store, newMessage(plain.id, me.id, 'a'));
      const b = await post(h.store, newMessage(plain.id, held.id, 'b'));
      await post(h.store, newMessage(heldGroup.id, other.id, 'c'));
      const d = await post(h.store, newMessage(own.id, me.id, 'd'));
      const cutoff = tick();
      await post(h.store, newMessage(plain.id, me.id, 'fresh'));
      await h.store.setConversationRetention(own.id, 30);
      expect(await h.store.getConversationRetention(own.id)).toBe(30);
      expect(await h.store.getConversationRetention(plain.id)).toBeNull();
      expect(await h.store.getConversationRetention('nope')).toBeUndefined();
      expect(await h.store.listConversationRetention()).toContainEqual({ conversationId: own.id, days: 30 });

      const mine = (found: { conversationId: string; id: string }[]) =>
        found.filter((m) => [plain.id, heldGroup.id, own.id].includes(m.conversationId)).map((m) => m.id);
      const query = { cutoff, heldUserIds: [held.id], heldConversationIds: [heldGroup.id], limit: 1000 };
      const found = mine(await h.store.findExpiredMessages(query));
      // The creation entry of `plain` and `a`; not b (held user), not heldGroup, not `own` (own period).
      expect(found).toContain(a.id);
      expect(found).not.toContain(b.id);
      expect(found).not.toContain(d.id);
      expect(found.every((id) => id !== undefined)).toBe(true);
      expect(mine(await h.store.findExpiredMessages({ ...query, conversationId: own.id }))).toContain(d.id);
      const unheld = mine(await h.store.findExpiredMessages({ ...query, heldUserIds: [], heldConversationIds: [] }));
      expect(unheld).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(await h.store.findExpiredMessages({ ...query, limit: 1 })).toHaveLength(1);
    });

    it('prunes the copies of content made for delivery by age: dead letters, content jobs, interactions, previews, pre-send digests', async () => {
      const [me, bot] = await newUsers(h.store, 2);
      if (!me || !bot) throw new Error('fixture');
      const group = await newGroup(h.store, me, [bot]);
      // Negative times: older than anything another test (or file sharing the database) writes.
      const [old, cutoff, fresh] = [-3_000_000, -2_000_000, -1_000_000];
      const contentKind = uid('push');
      const otherKind = uid('purge');
      const job = (kind: string, at: number) => ({
        id: uid('j'),
        kind,
        payload: { text: 'x' },
        dueAt: at,
        createdAt: at,
      });
      const oldContentJob = job(contentKind, old);
      await h.store.enqueueJob(oldContentJob);
      await h.store.enqueueJob(job(contentKind, fresh));
      await h.store.enqueueJob(job(otherKind, old));
      // A dead letter that was a content job: claimed, then given up on.
      const deadKind = uid('dead');
      const dead = job(deadKind, old);
      await h.store.enqueueJob(dead);
      const token = uid('lease');
      await h.store.claimJobs({ now: old, leaseUntil: old + 10_000, leaseToken: token, limit: 1, kinds: [deadKind] });
      expect(await h.store.deadLetterJob(dead.id, token, 'broken', old)).toBe(true);
      const interaction = (at: number) => ({
        id: uid('ia'),
        kind: 'command' as const,
        botId: bot.id,
        userId: me.id,
        conversationId: group.id,
        messageId: null,
        data: { command: { name: 'remind', args: { text: 'secret' } } },
        status: 'pending' as const,
        deadlineAt: at + 3000,
        expiresAt: Number.MAX_SAFE_INTEGER,
        reply: null,
        createdAt: at,
      });
      const oldInteraction = interaction(old);
      const freshInteraction = interaction(fresh);
      await h.store.createInteraction(oldInteraction);
      await h.store.createInteraction(freshInteraction);
      const oldUrl = `https://example.com/${uid('old')}`;
      const freshUrl = `https://example.com/${uid('fresh')}`;
      await h.store.putCachedLinkPreview({ url: oldUrl, preview: null, fetchedAt: old });
      await h.store.putCachedLinkPreview({ url: freshUrl, preview: null, fetchedAt: fresh });

      const oldChange = { senderId: me.id, clientId: uid('c'), digest: 'd1', at: old };
      const freshChange = { senderId: me.id, clientId: uid('c'), digest: 'd2', at: fresh };
      await h.store.recordPresendChange(oldChange);
      await h.store.recordPresendChange(freshChange);

      expect(await h.store.pruneContentCopies(cutoff, [contentKind])).toBeGreaterThanOrEqual(5);

      expect(await h.store.countJobs(contentKind)).toBe(1);
      expect(await h.store.countJobs(otherKind)).toBe(1);
      expect((await h.store.listDeadLetters(1000)).map((d) => d.id)).not.toContain(dead.id);
      expect(await h.store.getInteraction(oldInteraction.id)).toBeUndefined();
      expect(await h.store.getInteraction(freshInteraction.id)).toBeDefined();
      expect(await h.store.getCachedLinkPreview(oldUrl)).toBeUndefined();
      expect(await h.store.getCachedLinkPreview(freshUrl)).toBeDefined();
      expect(await h.store.getPresendChange(me.id, oldChange.clientId)).toBeUndefined();
      expect(await h.store.getPresendChange(me.id, freshChange.clientId)).toBe('d2');
    });

    it('keeps legal holds, one per target', async () => {
      const [me] = await newUsers(h.store, 1);
      if (!me) throw new Error('fixture');
      const hold = {
        id: uid('lh'),
        kind: 'user' as const,
        targetId: me.id,
        reason: 'case 7',
        createdBy: null,
        createdAt: tick(),
      };
      expect(await h.store.addRetentionHold(hold)).toBe(true);
      expect(await h.store.addRetentionHold({ ...hold, id: uid('lh') })).toBe(false);
      expect(await h.store.listRetentionHolds()).toContainEqual(hold);
      expect(await h.store.removeRetentionHold(hold.id)).toEqual(hold);
      expect(await h.store.removeRetentionHold(hold.id)).toBeUndefined();
    });

    it('hands a lease to one holder at a time until it lapses or is released', async () => {
      const name = uid('lease');
      expect(await h.store.acquireLease(name, 'a', 2000, 1000)).toBe(true);
      expect(await h.store.acquireLease(name, 'b', 2500, 1500)).toBe(false);
      expect(await h.store.acquireLease(name, 'a', 3000, 1500)).toBe(true);
      expect(await h.store.acquireLease(name, 'b', 4000, 3000)).toBe(true);
      await h.store.releaseLease(name, 'a');
      expect(await h.store.acquireLease(name, 'a', 5000, 3500)).toBe(false);
      await h.store.releaseLease(name, 'b');
      expect(await h.store.acquireLease(name, 'a', 5000, 3500)).toBe(true);
    });
  });
}
