/**
 * The bus contract on a real NATS server (`npm test` starts one on 127.0.0.1:4222,
 * or PARLEY_TEST_NATS_URL), each run under its own subject prefix; and what the
 * NATS bus does when its server restarts (a private nats-server, killed for real).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../observability/logger';
import type { BusEvent } from '../ports/bus-events';
import { busContract } from './bus.contract';
import { NatsBus } from './bus-nats';
import { natsTestUrl, requireNats, startPrivateNats, type PrivateNats } from './nats-test-server';

await requireNats();
const prefix = `test_${randomBytes(4).toString('hex')}`;

busContract(
  'nats',
  async () => {
    const bus = new NatsBus({ url: natsTestUrl(), prefix }, silentLogger());
    await bus.start();
    return bus;
  },
  { shared: true },
);

const typing = (userId: string): BusEvent => ({
  id: `e_${userId}`,
  v: 1,
  type: 'typing',
  conversationId: 'c_1',
  userId,
  typing: true,
  expiresInMs: 1,
});

describe('NATS bus across a NATS restart', () => {
  let nats: PrivateNats | undefined;
  afterAll(async () => {
    await nats?.stop();
  });

  it('refuses publishes while NATS is away, then reconnects, resubscribes and reports the gap', async () => {
    nats = await startPrivateNats();
    const a = new NatsBus({ url: nats.url, prefix: 'restart' }, silentLogger());
    const b = new NatsBus({ url: nats.url, prefix: 'restart' }, silentLogger());
    await a.start();
    await b.start();
    let gaps = 0;
    a.onGap(() => (gaps += 1));
    const seen: string[] = [];
    await a.subscribe('conv.c_1', (e) => e.type === 'typing' && seen.push(e.userId)).ready;
    await b.publish('conv.c_1', typing('before'));
    await expect.poll(() => seen).toEqual(['before']);

    await nats.kill();
    // Refused, not buffered: the outbox keeps the event and the relay retries.
    await expect
      .poll(() =>
        b.publish('conv.c_1', typing('while down')).then(
          () => 'taken',
          () => 'refused',
        ),
      )
      .toBe('refused');
    await nats.start();
    await expect.poll(() => gaps, { timeout: 15_000 }).toBe(1);
    await expect
      .poll(
        () =>
          b.publish('conv.c_1', typing('after')).then(
            () => 'taken',
            () => 'refused',
          ),
        { timeout: 15_000 },
      )
      .toBe('taken');
    await expect.poll(() => seen, { timeout: 10_000 }).toContain('after');
    expect(seen).not.toContain('while down');
    await a.stop();
    await b.stop();
  }, 60_000);
});
