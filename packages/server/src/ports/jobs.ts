/**
 * The durable half of the event path (ADR 0011), as the store offers it: the
 * dispatcher takes committed events that durable consumers read out of the outbox
 * and, in the same transaction, writes the jobs they cause; the job runner of any
 * node claims due jobs under a time-limited lease, so that a job never runs on two
 * nodes at once and a dead node's job runs elsewhere once its lease lapses.
 */
import type { OutboxRecord, Store } from './store';

export interface NewJob {
  id: string;
  /** Which handler runs it (`webhook.delivery`, ...). */
  kind: string;
  /** JSON-serialisable input of the handler. */
  payload: unknown;
  dueAt: number;
  createdAt: number;
}

export interface JobRecord {
  id: string;
  kind: string;
  payload: unknown;
  dueAt: number;
  /** Runs started so far, this one included (a claim counts one). */
  attempts: number;
  createdAt: number;
  lastError: string | null;
  /** The lease this claim holds: completing or rescheduling needs it. */
  leaseToken: string;
}

export interface ClaimJobsOptions {
  now: number;
  /** The lease lasts until then; a runner that dies lets it lapse. */
  leaseUntil: number;
  /** Unique per claim: proves who holds the lease. */
  leaseToken: string;
  limit: number;
  /** Only these kinds (the handlers this runner has). */
  kinds: readonly string[];
}

export interface JobStore {
  /** Inside the transaction of whatever causes the job (the dispatcher's), or alone. */
  enqueueJob(job: NewJob): Promise<void>;
  /** Due jobs that no live lease holds, earliest due first, now leased to the caller (attempts + 1). */
  claimJobs(options: ClaimJobsOptions): Promise<JobRecord[]>;
  /** Removes a finished job; false when the lease was lost (another runner has it now). */
  completeJob(id: string, leaseToken: string): Promise<boolean>;
  /** Releases the lease and makes the job due again at `dueAt`; false when the lease was lost. */
  rescheduleJob(
    id: string,
    leaseToken: string,
    dueAt: number,
    lastError: string | null,
    /** A job that goes on (`continueAt`) made progress: its attempts count from zero again. */
    progressed?: boolean,
  ): Promise<boolean>;
  countJobs(kind?: string): Promise<number>;

  /**
   * Inside a transaction: up to `limit` committed events still awaiting the durable
   * consumers, oldest first, marked as taken (a concurrent dispatcher gets others or
   * none). Rolled back with the transaction, they are taken again later.
   */
  takeEventsToDispatch(limit: number): Promise<OutboxRecord[]>;

  /**
   * Counts a failed dispatch of one event (ADR 0018). At `maxAttempts` the event becomes a
   * dead letter: taken from the dispatcher's way, kept for an admin. `gone`: no longer awaiting.
   */
  failEventDispatch(id: string, error: string, maxAttempts: number, now: number): Promise<'retry' | 'dead' | 'gone'>;
  /** Moves a job its caller holds (by lease) to the dead letters; false when the lease was lost. */
  deadLetterJob(id: string, leaseToken: string, error: string, now: number): Promise<boolean>;
  /** Newest first. */
  listDeadLetters(limit: number): Promise<DeadLetter[]>;
  /** Puts it back (the event awaiting dispatch, the job due `now`); undefined when unknown. */
  retryDeadLetter(id: string, now: number): Promise<DeadLetter | undefined>;
  deleteDeadLetter(id: string): Promise<boolean>;
}

/** An event or a job that failed too often, kept aside (ADR 0018). */
export interface DeadLetter {
  /** The event's or the job's id. */
  id: string;
  source: 'event' | 'job';
  /** The event type or the job kind. */
  kind: string;
  /** The event (`{ topic, event, createdAt }`) or the job's payload. */
  payload: unknown;
  attempts: number;
  lastError: string;
  createdAt: number;
  failedAt: number;
}

/** A durable consumer of the event path: turns committed events into jobs (events/dispatcher.ts). */
export interface EventConsumer {
  readonly name: string;
  /**
   * Inside the dispatcher's transaction: writes the jobs (and records) these events cause,
   * and says how many jobs it wrote. No network.
   */
  consume(events: readonly OutboxRecord[], tx: Store): Promise<number>;
}

/**
 * What a job's run decided: finished (done or given up), try again at `retryAt` after a
 * failure, or go on at `continueAt` (a long job done in slices, such as erasing a deleted
 * conversation: each run does a bounded part and lets other jobs run in between).
 */
export type JobOutcome = { done: true } | { retryAt: number; error: string } | { continueAt: number };

/** Runs the jobs of one kind (events/job-runner.ts); must finish well within the lease. */
export interface JobHandler {
  readonly kind: string;
  run(job: JobRecord): Promise<JobOutcome>;
}
