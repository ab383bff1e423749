/**
 * Group commit: top-level writes that arrive while a commit is in progress wait
 * and then share the next transaction, so N concurrent writes cost one commit
 * (one fsync with SQLite's synchronous=FULL) instead of N. An idle store adds no
 * delay: the first write starts a batch at once. Each write of a batch of several runs
 * in its own savepoint, so one failing write never undoes another; every caller is answered
 * only after the commit, so an acknowledged write is still a committed one
 * (guarantee 1). Must not be used for writes already inside a transaction.
 */
import type { Kysely } from 'kysely';
import { recoverable } from './atomic';
import type { Database } from './db-schema';

type Work<T> = (db: Kysely<Database>) => Promise<T>;

interface Pending {
  /** Batches run their writes in key order, so concurrent nodes lock rows in one order. */
  key: string;
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private queue: Pending[] = [];
  private running = false;
  /** Commits made and writes they carried (for tests and metrics). */
  readonly stats = { batches: 0, writes: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 256,
  ) {}

  run<T>(key: string, work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ key, work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        // setImmediate runs after the event loop's I/O phase, so writes from every
        // frame read in this turn join the batch. SQLite commits synchronously:
        // without this yield no other write could ever arrive during a batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      // Stable sort: writes with the same key keep their arrival order.
      const ordered = [...batch].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const outcomes = new Map<Pending, Outcome>();
      this.stats.batches += 1;
      this.stats.writes += batch.length;
      try {
        await this.db.transaction().execute(async (trx) => {
          const [only] = ordered;
          // A write alone needs no savepoint: its failure rolls back a transaction that
          // holds nothing else (two statements fewer per write when the store is not busy).
          if (ordered.length === 1 && only) {
            outcomes.set(only, { ok: true, value: await only.work(trx) });
            return;
          }
          for (const item of ordered) {
            try {
              outcomes.set(item, { ok: true, value: await recoverable(trx, item.work) });
            } catch (error) {
              outcomes.set(item, { ok: false, error });
            }
          }
        });
      } catch (error) {
        // The commit failed, or a write that was alone in its batch: nothing of this batch is stored.
        for (const item of batch) item.reject(error);
        continue;
      }
      for (const item of batch) {
        const outcome = outcomes.get(item);
        if (outcome?.ok) item.resolve(outcome.value);
        else item.reject(outcome?.error);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.running = false;
  }
}
