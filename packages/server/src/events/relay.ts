/**
 * The outbox relay: the one path by which the events of a write reach the bus.
 * A write records its events in its own transaction (Store.emit); after the commit
 * the store hands them here (the fast path: no read back), and the relay publishes
 * them in commit order, retrying with backoff until the bus takes them, then deletes
 * them from the outbox in batches. Every relay also sweeps the outbox for overdue
 * events (their node died between commit and publish, or the CLI's admin commands
 * wrote them) and takes them over under a time-limited claim. An event is always
 * published under the id it was recorded with, so receivers drop the repeats that a
 * retry or a takeover can cause. Must not call services or gateways.
 */
import type { Bus } from '../ports/bus';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { Outbox, OutboxRecord } from '../ports/store';

export interface RelayOptions {
  /** An event still in the outbox this long after its commit is taken over by any relay. */
  takeoverAfterMs: number;
  /** How often a relay looks for overdue events (0: never, for tests that drive `sweep`). */
  sweepIntervalMs: number;
  /** How long a takeover claim holds before another relay may take the event. */
  claimMs: number;
  /** The first retry after a bus error; doubled on each failure up to `maxRetryMs`. */
  retryMs: number;
  maxRetryMs: number;
  /** Published events are deleted from the outbox in batches this often. */
  deleteAfterMs: number;
}

export const defaultRelayOptions: RelayOptions = {
  takeoverAfterMs: 5000,
  sweepIntervalMs: 1000,
  claimMs: 30_000,
  retryMs: 50,
  maxRetryMs: 5000,
  deleteAfterMs: 50,
};

/** Most overdue events taken in one sweep. */
const SWEEP_LIMIT = 500;

export interface RelayStats {
  published: number;
  /** Publishes the bus refused (each retried). */
  failures: number;
  /** Overdue events this relay took over. */
  takenOver: number;
  /** Events the bus can never take (see PermanentBusError), dropped. */
  dropped: number;
}

function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

export class EventRelay {
  private readonly queue: OutboxRecord[] = [];
  /** Ids in the queue: a sweep must not queue an event twice. */
  private readonly queued = new Set<string>();
  private draining = false;
  private retry: { cancel(): void } | undefined;
  private retryDelay: number;
  private published: string[] = [];
  private deleteTimer: { cancel(): void } | undefined;
  private sweepTimer: { cancel(): void } | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;
  private unlisten: (() => void) | undefined;
  readonly stats: RelayStats = { published: 0, failures: 0, takenOver: 0, dropped: 0 };

  constructor(
    private readonly deps: { bus: Bus; outbox: Outbox; clock: Clock; logger: Logger },
    private readonly options: RelayOptions = defaultRelayOptions,
  ) {
    this.retryDelay = options.retryMs;
  }

  /** Events committed but not yet taken by the bus (this node's, and the ones it took over). */
  get pending(): number {
    return this.queue.length;
  }

  start(): void {
    this.unlisten = this.deps.outbox.onEventsCommitted((events) => this.enqueue(events));
    this.scheduleSweep(0);
  }

  /** Queues events in commit order and publishes at once when the bus is taking them. */
  enqueue(events: readonly OutboxRecord[]): void {
    for (const record of events) {
      if (this.queued.has(record.id)) continue;
      this.queued.add(record.id);
      this.queue.push(record);
    }
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining || this.retry) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        try {
          await this.deps.bus.publish(next.topic, next.event);
        } catch (error) {
          if (isPermanent(error)) {
            // Retrying cannot help (an event larger than the bus takes): its receivers
            // recover it by seq, as after any lost event.
            this.deps.logger.error({ err: error, type: next.event.type, topic: next.topic }, 'dropped an event');
            this.stats.dropped += 1;
            this.queue.shift();
            this.queued.delete(next.id);
            this.markPublished(next.id);
            continue;
          }
          this.stats.failures += 1;
          this.deps.logger.warn(
            { err: error, pending: this.queue.length, retryMs: this.retryDelay },
            'the bus refused an event; retrying',
          );
          this.scheduleRetry();
          return;
        }
        this.queue.shift();
        this.queued.delete(next.id);
        this.stats.published += 1;
        this.markPublished(next.id);
      }
      this.retryDelay = this.options.retryMs;
    } finally {
      this.draining = false;
    }
  }

  private scheduleRetry(): void {
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.options.maxRetryMs);
    this.retry = this.deps.clock.setTimeout(() => {
      this.retry = undefined;
      void this.drain();
    }, delay);
  }

  private markPublished(id: string): void {
    this.published.push(id);
    this.deleteTimer ??= this.deps.clock.setTimeout(() => {
      this.deleteTimer = undefined;
      void this.flushDeletes();
    }, this.options.deleteAfterMs);
  }

  private async flushDeletes(): Promise<void> {
    const ids = this.published;
    if (ids.length === 0) return;
    this.published = [];
    try {
      await this.deps.outbox.deleteEvents(ids);
    } catch (error) {
      // Still published: a later flush retries, and a takeover before then only
      // republishes under the same ids (receivers drop the repeats).
      this.deps.logger.warn({ err: error, count: ids.length }, 'could not delete published events');
      if (!this.stopped) this.published.unshift(...ids);
    }
  }

  private scheduleSweep(delay: number): void {
    if (this.stopped || this.options.sweepIntervalMs <= 0) return;
    this.sweepTimer = this.deps.clock.setTimeout(() => {
      this.sweeping = this.sweep()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'outbox sweep failed'))
        .finally(() => {
          this.sweeping = undefined;
          this.scheduleSweep(this.options.sweepIntervalMs);
        });
    }, delay);
  }

  /** Takes over overdue events (a dead node's, the admin commands') and queues them. */
  async sweep(): Promise<void> {
    const now = this.deps.clock.now();
    const claimed = await this.deps.outbox.claimOverdueEvents({
      overdueBefore: now - this.options.takeoverAfterMs,
      now,
      claimUntil: now + this.options.claimMs,
      limit: SWEEP_LIMIT,
    });
    const fresh = claimed.filter((record) => !this.queued.has(record.id));
    if (fresh.length === 0) return;
    this.stats.takenOver += fresh.length;
    this.deps.logger.info({ count: fresh.length }, 'taking over overdue events');
    this.enqueue(fresh);
  }

  /**
   * Stops sweeping, gives the queue up to `graceMs` to reach the bus, and deletes
   * what was published. Whatever is left stays in the outbox for another relay.
   */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    this.sweepTimer?.cancel();
    await this.sweeping;
    const deadline = this.deps.clock.now() + graceMs;
    while (this.queue.length > 0 && this.deps.clock.now() < deadline) {
      if (!this.retry && !this.draining) await this.drain();
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.retry?.cancel();
    this.retry = undefined;
    this.deleteTimer?.cancel();
    this.deleteTimer = undefined;
    await this.flushDeletes();
  }
}
