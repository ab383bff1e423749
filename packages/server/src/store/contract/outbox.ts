/**
 * Contract: the transactional outbox. Events commit with their write or not at
 * all, reach the listener after the commit in commit order, and stay in the table
 * until deleted; overdue events are claimed by one relay at a time. The store's
 * epoch is stable until rotated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBody } from '../../ports/bus-events';
import type { OutboxRecord } from '../../ports/store';
import { type Harness, newUser, uid, uname } from './harness';

const typing = (userId: string): EventBody => ({
  v: 1,
  type: 'typing',
  conversationId: 'c_outbox',
  userId,
  typing: true,
  expiresInMs: 1,
});

/** The user ids of typing events, in order. */
const users = (events: readonly OutboxRecord[]) =>
  events.map((e) => (e.event.type === 'typing' ? e.event.userId : '?'));

export function outboxContract(h: Harness): void {
  describe('outbox', () => {
    const committed: OutboxRecord[] = [];
    // Listeners add up (the relay and the dispatcher both listen): register one, once.
    let listening = false;
    const listen = () => {
      if (listening) return;
      listening = true;
      h.store.onEventsCommitted((events) => committed.push(...events));
    };

    afterEach(async () => {
      // Leave no row behind for the claim tests of other suites.
      const everything = await h.store.claimOverdueEvents({
        overdueBefore: Date.now() + 60_000,
        now: Date.now() + 120_000,
        claimUntil: Date.now() + 180_000,
        limit: 10_000,
      });
      await h.store.deleteEvents(everything.map((e) => e.id));
      committed.length = 0;
    });

    it('refuses an event outside a transaction', async () => {
      await expect(h.store.emit('conv.c_1', typing('u_1'))).rejects.toThrow(/outside a transaction/);
    });

    it('hands the events of a write to the listener after its commit, in order, with ids, and keeps them until deleted', async () => {
      listen();
      const username = uname();
      let seenInside = -1;
      await h.store.write('k', async (tx) => {
        await newUser(tx, username);
        await tx.emit('conv.c_1', typing('a'));
        await tx.emit('user.u_1', typing('b'));
        seenInside = committed.length;
      });
      expect(seenInside).toBe(0); // nothing before the commit
      expect(users(committed)).toEqual(['a', 'b']);
      expect(committed.map((e) => e.topic)).toEqual(['conv.c_1', 'user.u_1']);
      for (const record of committed) {
        expect(record.id).toMatch(/^e_/);
        expect(record.event.id).toBe(record.id);
      }
      expect(await h.store.countEvents()).toBe(2);
      await h.store.deleteEvents(committed.map((e) => e.id));
      expect(await h.store.countEvents()).toBe(0);
    });

    it('drops the events of a write that fails, and keeps those of a write that shares its commit', async () => {
      listen();
      const failing = h.store.write('k', async (tx) => {
        await tx.emit('conv.c_1', typing('lost'));
        throw new Error('boom');
      });
      const kept = h.store.write('k', (tx) => tx.emit('conv.c_1', typing('kept')));
      await expect(failing).rejects.toThrow('boom');
      await kept;
      expect(users(committed)).toEqual(['kept']);
      expect(await h.store.countEvents()).toBe(1);
    });

    it('commits the events of a transaction with it, and none of a rolled-back one', async () => {
      listen();
      await expect(
        h.store.transaction(async (tx) => {
          await tx.emit('conv.c_1', typing('lost'));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await h.store.transaction(async (outer) => {
        await outer.emit('conv.c_1', typing('outer'));
        await outer.transaction((inner) => inner.emit('conv.c_1', typing('inner')));
        await outer.write('k', (w) => w.emit('conv.c_1', typing('write')));
        expect(committed).toEqual([]);
      });
      expect(users(committed)).toEqual(['outer', 'inner', 'write']);
      expect(await h.store.countEvents()).toBe(3);
    });

    it('lets one relay at a time claim overdue events, oldest first, until the claim lapses', async () => {
      listen();
      for (const who of ['a', 'b', 'c']) await h.store.write(uid(), (tx) => tx.emit('conv.c_1', typing(who)));
      const now = Date.now();
      const nothingOverdue = await h.store.claimOverdueEvents({
        overdueBefore: now - 60_000,
        now,
        claimUntil: now + 1000,
        limit: 10,
      });
      expect(nothingOverdue).toEqual([]);
      const claim = { overdueBefore: now + 1000, now, claimUntil: now + 30_000, limit: 2 };
      const first = await h.store.claimOverdueEvents(claim);
      expect(users(first)).toEqual(['a', 'b']);
      expect(first.map((e) => e.event)).toEqual(committed.slice(0, 2).map((e) => e.event));
      // Held: another relay gets only what is left.
      expect(users(await h.store.claimOverdueEvents({ ...claim, limit: 10 }))).toEqual(['c']);
      expect(await h.store.claimOverdueEvents({ ...claim, limit: 10 })).toEqual([]);
      // Once the claims lapse (the relay holding them died), all three are free again.
      const later = { ...claim, now: now + 31_000, claimUntil: now + 60_000, limit: 10 };
      expect(users(await h.store.claimOverdueEvents(later))).toEqual(['a', 'b', 'c']);
    });

    it('keeps the epoch until it is rotated', async () => {
      const epoch = await h.store.getEpoch();
      expect(epoch).toMatch(/^[\w-]{8,}$/);
      expect(await h.store.getEpoch()).toBe(epoch);
      const rotated = await h.store.rotateEpoch();
      expect(rotated).not.toBe(epoch);
      expect(await h.store.getEpoch()).toBe(rotated);
    });
  });
}
