/**
 * Contract: the message log. Gapless seqs under concurrency (P4), idempotent
 * append per (sender, client id) (P6) and history paging both ways.
 */
import type { MessageContent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { type Harness, newGroup, newMessage, newUser, newUsers, tick, uid } from './harness';

export function messagesContract(h: Harness): void {
  describe('messages', () => {
    it('appends with consecutive seqs and bumps the conversation', async () => {
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      const first = newMessage(group.id, owner.id, 'one');
      const a = await h.store.appendMessage(first);
      const b = await h.store.appendMessage(newMessage(group.id, owner.id, 'two'));
      expect(a).toEqual({ message: { ...first, seq: 1 }, duplicate: false });
      expect(b.message.seq).toBe(2);
      expect(await h.store.getConversation(group.id)).toMatchObject({
        lastSeq: 2,
        lastActivityAt: b.message.createdAt,
      });
      expect(await h.store.getMessageByClientId(owner.id, first.clientId)).toEqual(a.message);
      expect(await h.store.getMessageByClientId(owner.id, uid('none'))).toBeUndefined();
      expect(await h.store.getMessage(a.message.id)).toEqual(a.message);
      expect(await h.store.getMessage('m_none')).toBeUndefined();
    });

    it('keeps lastActivityAt from moving backwards', async () => {
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      const late = await h.store.appendMessage(newMessage(group.id, owner.id));
      await h.store.appendMessage({ ...newMessage(group.id, owner.id), createdAt: late.message.createdAt - 500 });
      expect((await h.store.getConversation(group.id))?.lastActivityAt).toBe(late.message.createdAt);
    });

    it('returns the first message for a repeated client id and consumes no seq', async () => {
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      const original = await h.store.appendMessage(newMessage(group.id, owner.id, 'first', 'same-client'));
      const retry = await h.store.appendMessage(newMessage(group.id, owner.id, 'changed', 'same-client'));
      expect(retry).toEqual({ message: original.message, duplicate: true });
      expect((await h.store.getConversation(group.id))?.lastSeq).toBe(1);
      const next = await h.store.appendMessage(newMessage(group.id, owner.id));
      expect(next.message.seq).toBe(2);
      expect(await h.store.listMessages(group.id, { limit: 10 })).toHaveLength(2);
    });

    it('reports a duplicate inside a transaction without spoiling it', async () => {
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      const original = await h.store.appendMessage(newMessage(group.id, owner.id, 'x', 'tx-client'));
      const seqs = await h.store.transaction(async (tx) => {
        const again = await tx.appendMessage(newMessage(group.id, owner.id, 'y', 'tx-client'));
        expect(again).toEqual({ message: original.message, duplicate: true });
        const fresh = await tx.appendMessage(newMessage(group.id, owner.id));
        return [again.message.seq, fresh.message.seq];
      });
      expect(seqs).toEqual([1, 2]);
      expect((await h.store.getConversation(group.id))?.lastSeq).toBe(2);
    });

    it('fails with not_found for a missing conversation', async () => {
      const owner = await newUser(h.store);
      await expect(h.store.appendMessage(newMessage(uid('missing'), owner.id))).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('assigns gapless seqs to 50 concurrent appends from different senders', async () => {
      const senders = await newUsers(h.store, 50);
      const [owner, ...others] = senders;
      if (!owner) throw new Error('fixture');
      const group = await newGroup(h.store, owner, others);
      const results = await Promise.all(senders.map((s) => h.store.appendMessage(newMessage(group.id, s.id))));
      const seqs = results.map((r) => r.message.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(results.every((r) => !r.duplicate)).toBe(true);
      expect((await h.store.getConversation(group.id))?.lastSeq).toBe(50);
      const stored = await h.store.listMessages(group.id, { after: 0, limit: 100 });
      expect(stored.map((m) => m.seq)).toEqual(seqs);
      const bySeq = new Map(results.map((r) => [r.message.seq, r.message]));
      for (const message of stored) expect(message).toEqual(bySeq.get(message.seq));
    });

    it('stores one copy of concurrent identical appends', async () => {
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      const attempts = Array.from({ length: 10 }, () => newMessage(group.id, owner.id, 'same', 'racing-client'));
      const results = await Promise.all(attempts.map((m) => h.store.appendMessage(m)));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      const stored = results.find((r) => !r.duplicate)?.message;
      for (const result of results) expect(result.message).toEqual(stored);
      expect(stored?.seq).toBe(1);
      expect((await h.store.getConversation(group.id))?.lastSeq).toBe(1);
      expect(await h.store.listMessages(group.id, { limit: 10 })).toEqual([stored]);
    });

    it('stores one copy when the same client id races into two conversations', async () => {
      const owner = await newUser(h.store);
      const [one, two] = [await newGroup(h.store, owner), await newGroup(h.store, owner)];
      const results = await Promise.all(
        [one, two, one, two].map((c) => h.store.appendMessage(newMessage(c.id, owner.id, 'x', 'cross-client'))),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      const stored = results.find((r) => !r.duplicate)?.message;
      for (const result of results) expect(result.message).toEqual(stored);
      const lastSeqs = [
        (await h.store.getConversation(one.id))?.lastSeq,
        (await h.store.getConversation(two.id))?.lastSeq,
      ];
      expect(lastSeqs.sort()).toEqual([0, 1]);
    });

    it('pages history both ways, always in ascending order', async () => {
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      for (let i = 1; i <= 10; i += 1) await h.store.appendMessage(newMessage(group.id, owner.id, `m${i}`));
      const seqsOf = async (range: { before?: number; after?: number; limit: number }) =>
        (await h.store.listMessages(group.id, range)).map((m) => m.seq);
      expect(await seqsOf({ limit: 3 })).toEqual([8, 9, 10]);
      expect(await seqsOf({ before: 8, limit: 3 })).toEqual([5, 6, 7]);
      expect(await seqsOf({ before: 3, limit: 5 })).toEqual([1, 2]);
      expect(await seqsOf({ after: 0, limit: 4 })).toEqual([1, 2, 3, 4]);
      expect(await seqsOf({ after: 4, limit: 100 })).toEqual([5, 6, 7, 8, 9, 10]);
      expect(await seqsOf({ after: 2, before: 6, limit: 10 })).toEqual([3, 4, 5]);
      expect(await seqsOf({ after: 10, limit: 5 })).toEqual([]);
      expect(await seqsOf({ limit: 0 })).toEqual([]);
      expect(await h.store.listMessages(uid('missing'), { limit: 5 })).toEqual([]);
      const [fifth] = await h.store.listMessages(group.id, { after: 4, limit: 1 });
      expect(fifth?.content).toEqual({ type: 'text', text: 'm5' });
    });

    it('round-trips system content', async () => {
      const [owner, bob] = await newUsers(h.store, 2);
      if (!owner || !bob) throw new Error('fixture');
      const group = await newGroup(h.store, owner);
      const content: MessageContent = { type: 'system', action: 'member.added', userIds: [bob.id], role: 'member' };
      const { message } = await h.store.appendMessage({
        ...newMessage(group.id, owner.id),
        content,
        createdAt: tick(),
      });
      expect(await h.store.listMessages(group.id, { limit: 1 })).toEqual([message]);
      expect(message.content).toEqual(content);
    });
  });
}
