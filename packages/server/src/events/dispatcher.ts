/**
 * The dispatcher: the one durable consumer of the outbox (ADR 0011). Events that
 * durable consumers read (ports/bus-events.ts isDispatched) stay in the outbox after
 * the relay published them, until a dispatcher takes them; in the same transaction
 * every registered consumer (webhooks now, pushes later) writes the jobs they cause,
 * so an event is either still in the outbox or already jobs, whichever node dies when.
 * Each kind of job then runs on its own (events/job-runner.ts): a slow receiver holds
 * back nobody else. The dispatcher runs on every node: it is nudged by this node's
 * commits and polls for the rest (other nodes', the admin commands', a dead node's).
 * Consumers only read and write the store inside the transaction: no network.
 */
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { isDispatched } from '../ports/bus-events';
import type { EventConsumer } from '../ports/jobs';
import type { Store } from '../ports/store';
import { NudgedLoop } from './nudged-loop';

export interface DispatcherOptions {
  /** How often to look for events this node was not told about (0: only when nudged, for tests). */
  pollMs: number;
  /** Most events per transaction. */
  batch: number;
  /** After a failed transaction (a consumer threw, the store refused), wait this long. */
  retryMs: number;
  /**
   * A commit of this node's is dispatched within this many ms, so that the events of
   * that time share one dispatcher write (0: at once, a write per commit).
   */
  delayMs: number;
}

export const defaultDispatcherOptions: DispatcherOptions = { pollMs: 1000, batch: 200, retryMs: 1000, delayMs: 20 };

export class EventDispatcher {
  private readonly consumers: EventConsumer[] = [];
  private readonly loop: NudgedLoop;
  private unlisten: (() => void) | undefined;
  private readonly dispatchedListeners: (() => void)[] = [];
  /** Events taken so far (for metrics and tests). */
  dispatched = 0;

  constructor(
    private readonly deps: { store: Store; clock: Clock; logger: Logger },
    private readonly options: DispatcherOptions = defaultDispatcherOptions,
  ) {
    this.loop = new NudgedLoop(deps.clock, options.pollMs, () => this.drain());
  }

  register(consumer: EventConsumer): void {
    this.consumers.push(consumer);
  }

  /** Called after a transaction that wrote jobs: the job runner looks for them. */
  onDispatched(listener: () => void): void {
    this.dispatchedListeners.push(listener);
  }

  start(): void {
    this.unlisten = this.deps.store.onEventsCommitted((events) => {
      if (events.some((record) => isDispatched(record.event))) this.loop.nudgeWithin(this.options.delayMs);
    });
    this.loop.start();
  }

  /** Runs a dispatch soon (now, unless one is running: then right after it). */
  nudge(): void {
    this.loop.nudge();
  }

  private async drain(): Promise<void> {
    try {
      // A full batch means more may wait: keep going until a short one.
      while (!this.loop.stopped && (await this.dispatchOnce()) === this.options.batch);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'dispatching events failed; retrying');
      await new Promise<void>((resolve) => this.deps.clock.setTimeout(resolve, this.options.retryMs));
    }
  }

  /** One atomic write: takes up to a batch of events and writes what every consumer makes of them. */
  async dispatchOnce(): Promise<number> {
    // A write of the group commit: it shares the commit (and the fsync) of the writes around it,
    // and its key sorts last in a batch, so it may take the entries of that very batch.
    const { count, jobs } = await this.deps.store.write('~dispatch', async (tx) => {
      const events = await tx.takeEventsToDispatch(this.options.batch);
      let jobs = 0;
      if (events.length > 0) for (const consumer of this.consumers) jobs += await consumer.consume(events, tx);
      return { count: events.length, jobs };
    });
    this.dispatched += count;
    // No job written (no subscription matched): the job runner has nothing new to look for.
    if (jobs > 0) for (const listener of this.dispatchedListeners) listener();
    return count;
  }

  async stop(): Promise<void> {
    const stopping = this.loop.stop();
    this.unlisten?.();
    await stopping;
  }
}
