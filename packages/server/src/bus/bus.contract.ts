/**
 * The contract every Bus implementation passes (bus-local now, bus-nats with the
 * cluster work): per-topic order, fan-out to every subscriber, unsubscribe, and a
 * failing handler that does not stop the others.
 */
import { describe, expect, it } from 'vitest';
import type { Bus } from '../ports/bus';
import type { BusEvent } from '../ports/bus-events';

let counter = 0;
const typing = (userId: string, typing = true): BusEvent => ({
  id: `e_${(counter += 1)}`,
  v: 1,
  type: 'typing',
  conversationId: 'c_1',
  userId,
  typing,
  expiresInMs: 1000,
});

/** Waits until `check` passes; buses that deliver asynchronously need a moment. */
async function eventually(check: () => void, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/**
 * `shared`: instances made by `makeBus` are nodes of one cluster (NATS), so events
 * cross between them; the in-process bus is one node's alone.
 */
export function busContract(name: string, makeBus: () => Promise<Bus>, options: { shared: boolean }): void {
  describe(`bus contract: ${name}`, () => {
    it('says when a subscription is live: an event published right after reaches it', async () => {
      const subscriber = await makeBus();
      const publisher = options.shared ? await makeBus() : subscriber;
      for (let round = 0; round < 20; round++) {
        const seen: string[] = [];
        const topic = `conv.ready_${round}`;
        const subscription = subscriber.subscribe(topic, (e) => e.type === 'typing' && seen.push(e.userId));
        await subscription.ready;
        await publisher.publish(topic, typing(`u_${round}`));
        await eventually(() => expect(seen).toEqual([`u_${round}`]));
      }
      await subscriber.stop();
      if (publisher !== subscriber) await publisher.stop();
    });

    it('keeps the order of one publisher per topic across nodes, under a burst', async () => {
      const subscriber = await makeBus();
      const publisher = options.shared ? await makeBus() : subscriber;
      const seen: string[] = [];
      await subscriber.subscribe('conv.burst', (e) => e.type === 'typing' && seen.push(e.userId)).ready;
      const ids = Array.from({ length: 2000 }, (_, i) => `u_${i}`);
      await Promise.all(ids.map((id) => publisher.publish('conv.burst', typing(id))));
      await eventually(() => expect(seen).toEqual(ids), 10_000);
      await subscriber.stop();
      if (publisher !== subscriber) await publisher.stop();
    });

    it('delivers every event of a topic to every subscriber, in publish order', async () => {
      const bus = await makeBus();
      const a: string[] = [];
      const b: string[] = [];
      bus.subscribe('conv.c_1', (e) => e.type === 'typing' && a.push(e.userId));
      bus.subscribe('conv.c_1', (e) => e.type === 'typing' && b.push(e.userId));
      const ids = Array.from({ length: 100 }, (_, i) => `u_${i}`);
      for (const id of ids) await bus.publish('conv.c_1', typing(id));
      await eventually(() => expect([a, b]).toEqual([ids, ids]));
      await bus.stop();
    });

    it('keeps topics apart and stops delivering after unsubscribe', async () => {
      const bus = await makeBus();
      const seen: string[] = [];
      const subscription = bus.subscribe('conv.c_1', (e) => e.type === 'typing' && seen.push(e.userId));
      bus.subscribe('conv.c_2', () => seen.push('wrong topic'));
      await bus.publish('conv.c_1', typing('u_1'));
      await eventually(() => expect(seen).toEqual(['u_1']));
      subscription.unsubscribe();
      await bus.publish('conv.c_1', typing('u_2'));
      await bus.publish('conv.c_3', typing('u_3'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual(['u_1']);
      await bus.stop();
    });

    it('isolates a failing handler from the others', async () => {
      const bus = await makeBus();
      const seen: string[] = [];
      bus.subscribe('user.u_1', () => {
        throw new Error('handler bug');
      });
      bus.subscribe('user.u_1', (e) => e.type === 'typing' && seen.push(e.userId));
      await bus.publish('user.u_1', typing('u_9'));
      await eventually(() => expect(seen).toEqual(['u_9']));
      await bus.stop();
    });

    it('passes events through unchanged', async () => {
      const bus = await makeBus();
      const received: BusEvent[] = [];
      bus.subscribe('presence', (e) => received.push(e));
      const event: BusEvent = {
        id: 'e_presence',
        v: 1,
        type: 'presence',
        presence: { userId: 'u_1', status: 'away', lastSeenAt: 5 },
        audience: ['u_2'],
      };
      await bus.publish('presence', event);
      await eventually(() => expect(received).toEqual([event]));
      await bus.stop();
    });
  });
}
