/**
 * Dead letters (ADR 0018) against a real SQLite store: an event that breaks a durable
 * consumer every time no longer stalls the dispatcher (the events behind it flow, it waits
 * aside after `maxAttempts`), a job whose handler always throws is set aside the same way
 * while other jobs run, and a retry puts each back where it came from.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { silentLogger } from '../observability/logger';
import type { EventBody } from '../ports/bus-events';
import { systemClock } from '../ports/clock';
import type { JobRecord } from '../ports/jobs';
import type { OutboxRecord, Store } from '../ports/store';
import { createStore } from '../store/create-store';
import { EventDispatcher } from './dispatcher';
import { JobRunner } from './job-runner';

const dir = mkdtempSync(join(tmpdir(), 'parley-dead-'));
let store: Store;

beforeAll(async () => {
  store = await createStore({
    db: 'sqlite',
    sqlitePath: join(dir, 'parley.db'),
    synchronous: 'normal',
    thread: 'main',
  });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (text: string): EventBody => ({
  v: 1,
  type: 'message.new',
  message: {
    id: `m_${text}`,
    conversationId: 'c_dead',
    seq: 1,
    senderId: 'u_dead',
    clientId: text,
    content: { type: 'text', text },
    createdAt: 1,
  } as never,
});
const textOf = (record: OutboxRecord): string =>
  record.event.type === 'message.new' && record.event.message.content.type === 'text'
    ? record.event.message.content.text
    : '';

it('sets aside an event that always breaks a consumer, dispatches the rest, and dispatches it again on retry', async () => {
  const seen: string[] = [];
  let broken = true;
  const dispatcher = new EventDispatcher(
    { store, clock: systemClock, logger: silentLogger() },
    { pollMs: 0, batch: 200, retryMs: 5, delayMs: 0, maxAttempts: 3 },
  );
  let tries = 0;
  dispatcher.register({
    name: 'picky',
    consume(events) {
      for (const event of events) {
        if (textOf(event) === 'poison' && broken) {
          tries += 1;
          throw new Error('this consumer cannot take poison');
        }
      }
      seen.push(...events.map(textOf));
      return Promise.resolve(0);
    },
  });
  for (const text of ['first', 'poison', 'after']) {
    await store.transaction((tx) => tx.emit('conv.c_dead', post(text)));
  }
  dispatcher.start();
  try {
    await vi.waitFor(() => expect(seen).toEqual(['first', 'after']), { timeout: 10_000, interval: 20 });
    // Each counted failure is the batch's try and then the event's own: maxAttempts of them, not one more.
    expect(tries).toBe(2 * 3);
    expect(dispatcher.deadLettered).toBe(1);
    const [letter, ...others] = await store.listDeadLetters(10);
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ source: 'event', kind: 'message.new', attempts: 3 });
    expect(letter?.lastError).toContain('cannot take poison');
    expect((letter?.payload as { event: EventBody }).event).toMatchObject({ message: { clientId: 'poison' } });

    // Later events are not held back by the dead one.
    await store.transaction((tx) => tx.emit('conv.c_dead', post('later')));
    await vi.waitFor(() => expect(seen).toContain('later'), { timeout: 10_000, interval: 20 });

    broken = false; // the consumer was fixed: an admin retries
    expect(await store.retryDeadLetter(letter!.id, Date.now())).toMatchObject({ id: letter!.id });
    dispatcher.nudge();
    await vi.waitFor(() => expect(seen).toContain('poison'), { timeout: 10_000, interval: 20 });
    expect(await store.listDeadLetters(10)).toEqual([]);
    expect(await store.retryDeadLetter(letter!.id, Date.now())).toBeUndefined();
  } finally {
    await dispatcher.stop();
  }
});

it('sets aside a job whose handler always throws after maxAttempts runs, while other jobs run', async () => {
  const done: string[] = [];
  let broken = true;
  let runs = 0;
  const runner = new JobRunner(
    { store, clock: systemClock, logger: silentLogger() },
    { pollMs: 10, leaseMs: 20, concurrency: 2, maxAttempts: 3 },
  );
  runner.register({
    kind: 'test.picky',
    run(job: JobRecord) {
      const { name } = job.payload as { name: string };
      if (name === 'poison' && broken) {
        runs += 1;
        return Promise.reject(new Error('poisoned job'));
      }
      done.push(name);
      return Promise.resolve({ done: true });
    },
  });
  const now = Date.now();
  for (const name of ['poison', 'fine']) {
    await store.enqueueJob({ id: `j_${name}`, kind: 'test.picky', payload: { name }, dueAt: now, createdAt: now });
  }
  runner.start();
  try {
    await vi.waitFor(async () => expect(await store.listDeadLetters(10)).toHaveLength(1), {
      timeout: 10_000,
      interval: 20,
    });
    expect(done).toEqual(['fine']);
    expect(runs).toBe(3);
    expect(runner.stats.deadLettered).toBe(1);
    expect(await store.countJobs('test.picky')).toBe(0);
    const [letter] = await store.listDeadLetters(10);
    expect(letter).toMatchObject({ id: 'j_poison', source: 'job', kind: 'test.picky', attempts: 3 });
    expect(letter?.lastError).toContain('poisoned job');

    broken = false;
    await store.retryDeadLetter('j_poison', Date.now());
    runner.nudge();
    await vi.waitFor(() => expect(done).toEqual(['fine', 'poison']), { timeout: 10_000, interval: 20 });
    // The handler has returned; the runner completes the job just after.
    await vi.waitFor(async () => expect(await store.countJobs('test.picky')).toBe(0), {
      timeout: 10_000,
      interval: 20,
    });
    expect(await store.listDeadLetters(10)).toEqual([]);
  } finally {
    await runner.stop();
  }
});
