/**
 * Contract: durable consumers and the job queue (ADR 0011). Events that durable
 * consumers read stay in the outbox after the bus took them, until a dispatcher takes
 * them in a transaction (a rolled-back one leaves them for later; two dispatchers
 * never take the same event); published rows the dispatcher took are gone. Jobs are
 * claimed due-first under a lease that one runner holds at a time, and only the lease
 * holder completes or reschedules a job.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBody } from '../../ports/bus-events';
import type { Store } from '../../ports/store';
import { type Harness, uid } from './harness';

const messageEvent = (text: string): EventBody => ({
  v: 1,
  type: 'message.new',
  message: {
    id: `m_${text}`,
    conversationId: 'c_jobs',
    seq: 1,
    senderId: 'u_jobs',
    clientId: text,
    content: { type: 'text', text },
    createdAt: 1,
  } as never,
});
const typing: EventBody = { v: 1, type: 'typing', conversationId: 'c_jobs', userId: 'u', typing: true, expiresInMs: 1 };

async function drain(store: Store): Promise<void> {
  // Take every event left for the durable consumers and every published row, so suites stay independent.
  await store.transaction((tx) => tx.takeEventsToDispatch(10_000));
  const all = await store.claimOverdueEvents({
    overdueBefore: Date.now() + 60_000,
    now: Date.now() + 120_000,
    claimUntil: Date.now() + 180_000,
    limit: 10_000,
  });
  await store.deleteEvents(all.map((e) => e.id));
}

const texts = (events: { event: EventBody }[]) =>
  events.map((e) =>
    e.event.type === 'message.new' && e.event.message.content.type === 'text' ? e.event.message.content.text : '?',
  );

export function jobsContract(h: Harness): void {
  describe('durable consumers and jobs', () => {
    afterEach(() => drain(h.store));

    it('keeps a dispatched event after the bus took it, until the dispatcher takes it, then deletes it', async () => {
      const ids: string[] = [];
      await h.store.write(uid(), async (tx) => {
        await tx.emit('conv.c_jobs', messageEvent('kept'));
        await tx.emit('conv.c_jobs', typing);
      });
      const taken = await h.store.claimOverdueEvents({
        overdueBefore: Date.now() + 60_000,
        now: Date.now(),
        claimUntil: Date.now() + 30_000,
        limit: 10,
      });
      ids.push(...taken.map((e) => e.id));
      expect(ids).toHaveLength(2);
      await h.store.deleteEvents(ids); // the bus took both
      expect(await h.store.countEvents()).toBe(1); // the message waits for the dispatcher
      // Published rows are never claimed again by a relay.
      const again = await h.store.claimOverdueEvents({
        overdueBefore: Date.now() + 60_000,
        now: Date.now() + 60_000,
        claimUntil: Date.now() + 90_000,
        limit: 10,
      });
      expect(again).toEqual([]);
      const dispatched = await h.store.transaction((tx) => tx.takeEventsToDispatch(10));
      expect(texts(dispatched)).toEqual(['kept']);
      expect(await h.store.countEvents()).toBe(0);
    });

    it('leaves a row the dispatcher took before the bus for the relay to delete', async () => {
      await h.store.write(uid(), (tx) => tx.emit('conv.c_jobs', messageEvent('first-dispatched')));
      const dispatched = await h.store.transaction((tx) => tx.takeEventsToDispatch(10));
      expect(texts(dispatched)).toEqual(['first-dispatched']);
      expect(await h.store.countEvents()).toBe(1); // not yet published
      await h.store.deleteEvents(dispatched.map((e) => e.id));
      expect(await h.store.countEvents()).toBe(0);
    });

    it('gives events back when the dispatching transaction rolls back, oldest first, each to one dispatcher', async () => {
      for (const text of ['a', 'b', 'c'])
        await h.store.write(uid(), (tx) => tx.emit('conv.c_jobs', messageEvent(text)));
      await expect(
        h.store.transaction(async (tx) => {
          expect(texts(await tx.takeEventsToDispatch(10))).toEqual(['a', 'b', 'c']);
          throw new Error('consumer failed');
        }),
      ).rejects.toThrow('consumer failed');
      const [first, second] = await Promise.all([
        h.store.transaction((tx) => tx.takeEventsToDispatch(2)),
        h.store.transaction((tx) => tx.takeEventsToDispatch(2)),
      ]);
      // A dispatcher that waited for the other's rows skips them (PostgreSQL): what is left comes next time.
      const rest = await h.store.transaction((tx) => tx.takeEventsToDispatch(10));
      expect([...texts(first), ...texts(second), ...texts(rest)].sort()).toEqual(['a', 'b', 'c']);
    });

    it('commits jobs with the dispatcher transaction or not at all', async () => {
      const kind = uid('kind');
      await expect(
        h.store.transaction(async (tx) => {
          await tx.enqueueJob({ id: uid('job'), kind, payload: { n: 1 }, dueAt: 0, createdAt: 0 });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await h.store.countJobs(kind)).toBe(0);
      await h.store.transaction((tx) =>
        tx.enqueueJob({ id: uid('job'), kind, payload: { n: 2 }, dueAt: 0, createdAt: 0 }),
      );
      expect(await h.store.countJobs(kind)).toBe(1);
    });

    it('leases due jobs to one runner at a time, earliest due first, and lets only the holder finish them', async () => {
      const kind = uid('kind');
      const now = Date.now();
      for (const [n, due] of [
        [1, now - 3000],
        [2, now - 2000],
        [3, now + 60_000],
      ] as const) {
        await h.store.enqueueJob({ id: uid('job'), kind, payload: { n }, dueAt: due, createdAt: now });
      }
      const claim = (token: string, at = now) =>
        h.store.claimJobs({ now: at, leaseUntil: at + 10_000, leaseToken: token, limit: 10, kinds: [kind] });
      const [a, b] = await Promise.all([claim('runner-a'), claim('runner-b')]);
      const all = [...a, ...b];
      expect(all.map((j) => j.payload)).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
      expect(all).toHaveLength(2); // the not-yet-due job is left, and nobody got a job twice
      const first = all.find((j) => (j.payload as { n: number }).n === 1)!;
      expect(first.attempts).toBe(1);
      // Another runner cannot finish it; its holder reschedules it.
      expect(await h.store.completeJob(first.id, 'someone-else')).toBe(false);
      expect(await h.store.rescheduleJob(first.id, first.leaseToken, now + 500, 'HTTP 500')).toBe(true);
      expect(await claim('runner-c')).toEqual([]); // due again only later
      const retried = await claim('runner-c', now + 1000);
      expect(retried.map((j) => j.payload)).toEqual([{ n: 1 }]);
      expect(retried[0]).toMatchObject({ attempts: 2, lastError: 'HTTP 500' });
      // A job that goes on after progress counts its attempts from zero again.
      expect(await h.store.rescheduleJob(first.id, retried[0]!.leaseToken, now + 1000, null, true)).toBe(true);
      const resumed = await claim('runner-c', now + 1000);
      expect(resumed[0]).toMatchObject({ attempts: 1, lastError: null });
      // The other job's lease lapses (its runner died): it is claimed again, and the old holder is refused.
      const second = all.find((j) => (j.payload as { n: number }).n === 2)!;
      const takenOver = await claim('runner-d', now + 11_000);
      expect(takenOver.map((j) => j.id)).toContain(second.id);
      expect(await h.store.completeJob(second.id, second.leaseToken)).toBe(false);
      expect(await h.store.completeJob(second.id, 'runner-d')).toBe(true);
      expect(await h.store.completeJob(retried[0]!.id, 'runner-c')).toBe(true);
      expect(await h.store.countJobs(kind)).toBe(1);
    });
  });
}
