import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalBus } from '../bus/bus-local';
import { silentLogger } from '../observability/logger';
import type { BusEvent, EventBody } from '../ports/bus-events';
import { systemClock } from '../ports/clock';
import type { Store } from '../ports/store';
import { createStore } from '../store/create-store';
import { RefusingBus } from './refusing-bus.test-helper';
import { defaultRelayOptions, EventRelay, type RelayOptions } from './relay';

const dir = mkdtempSync(join(tmpdir(), 'parley-relay-'));
const path = join(dir, 'parley.db');
let store: Store;

beforeAll(async () => {
  store = await createStore({ db: 'sqlite', sqlitePath: path, synchronous: 'normal', eventOrigin: 'me' });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const typing = (userId: string): EventBody => ({
  v: 1,
  type: 'typing',
  conversationId: 'c_1',
  userId,
  typing: true,
  expiresInMs: 1,
});

async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

describe('EventRelay', () => {
  let relay: EventRelay | undefined;
  const received: BusEvent[] = [];
  const bus = new RefusingBus(new LocalBus(silentLogger()));
  bus.subscribe('conv.c_1', (event) => received.push(event));
  const who = () => received.map((e) => (e.type === 'typing' ? e.userId : '?'));

  function startRelay(options: Partial<RelayOptions> = {}): EventRelay {
    relay = new EventRelay(
      { bus, outbox: store, clock: systemClock, logger: silentLogger() },
      { ...defaultRelayOptions, sweepIntervalMs: 0, ...options },
    );
    relay.start();
    return relay;
  }

  afterEach(async () => {
    bus.refusing = false;
    await relay?.stop();
    received.length = 0;
    const left = await store.claimOverdueEvents({
      overdueBefore: Date.now() + 60_000,
      now: Date.now() + 60_000,
      claimUntil: Date.now() + 120_000,
      limit: 1000,
    });
    await store.deleteEvents(left.map((e) => e.id));
  });

  it('publishes the events of each commit in commit order, then deletes them from the outbox', async () => {
    startRelay();
    await store.write('a', async (tx) => {
      await tx.emit('conv.c_1', typing('1'));
      await tx.emit('conv.c_1', typing('2'));
    });
    await store.write('b', (tx) => tx.emit('conv.c_1', typing('3')));
    await eventually(() => expect(who()).toEqual(['1', '2', '3']));
    await eventually(async () => expect(await store.countEvents()).toBe(0));
  });

  it('keeps retrying while the bus refuses, then publishes everything once, in order', async () => {
    const running = startRelay({ retryMs: 5, maxRetryMs: 20 });
    bus.refusing = true;
    for (const n of ['1', '2', '3', '4']) await store.write(n, (tx) => tx.emit('conv.c_1', typing(n)));
    await eventually(() => expect(bus.refused).toBeGreaterThan(3));
    expect(received).toEqual([]);
    expect(running.pending).toBe(4);
    expect(await store.countEvents()).toBe(4);
    bus.refusing = false;
    await eventually(() => expect(who()).toEqual(['1', '2', '3', '4']));
    expect(new Set(received.map((e) => e.id)).size).toBe(4);
    await eventually(async () => expect(await store.countEvents()).toBe(0));
  });

  it("takes over a dead node's overdue events under their ids, and an admin command's at once", async () => {
    // Another process wrote these and never published them: a node that died, and `parley user passwd`.
    const dead = await createStore({ db: 'sqlite', sqlitePath: path, synchronous: 'normal', eventOrigin: 'dead' });
    const admin = await createStore({ db: 'sqlite', sqlitePath: path, synchronous: 'normal', eventOrigin: 'admin' });
    try {
      const written: string[] = [];
      dead.onEventsCommitted((events) => written.push(...events.map((e) => e.id)));
      await dead.write('x', (tx) => tx.emit('conv.c_1', typing('from the dead node')));
      await admin.write('x', (tx) => tx.emit('conv.c_1', typing('from the admin command')));
      const running = startRelay({ sweepIntervalMs: 20, takeoverAfterMs: 400 });
      // The admin's event goes at the next sweep; the dead node's only once overdue.
      await eventually(() => expect(who()).toEqual(['from the admin command']));
      await eventually(() => expect(who()).toEqual(['from the admin command', 'from the dead node']));
      expect(received[1]?.id).toBe(written[0]);
      expect(running.stats.takenOver).toBe(2);
      await eventually(async () => expect(await store.countEvents()).toBe(0));
    } finally {
      await dead.close();
      await admin.close();
    }
  });
});
