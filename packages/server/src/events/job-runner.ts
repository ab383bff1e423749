/**
 * The job runner: runs the durable queue's jobs (ports/jobs.ts) on any node. It
 * claims due jobs under a time-limited lease (a job never runs on two nodes at once;
 * a dead node's lease lapses and another node runs the job), gives each to the
 * handler of its kind, then deletes it (done) or makes it due again (retry). A handler
 * must finish well within the lease (its own timeouts bound it); completing with a
 * lapsed lease is refused by the store, so a late runner cannot undo a newer one.
 * Handlers record what they need themselves (webhook attempts) before answering.
 * A job that keeps failing (its handler throws, or its node dies under it) is moved to
 * the dead letters after `maxAttempts` runs (ADR 0018), so it stops coming back; handlers
 * that give up on their own (a webhook's retry schedule) finish well before that.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../ports/clock';
import type { JobHandler, JobOutcome, JobRecord } from '../ports/jobs';
import type { Logger } from '../ports/logger';
import type { Store } from '../ports/store';
import { NudgedLoop } from './nudged-loop';

export interface JobRunnerOptions {
  /** How often to look for due jobs (0: only when nudged, for tests). */
  pollMs: number;
  /** How long a claim holds (PARLEY_JOB_LEASE_MS). */
  leaseMs: number;
  /** Jobs run at once on this node. */
  concurrency: number;
  /** Runs of one job before a failure makes it a dead letter (PARLEY_JOB_MAX_ATTEMPTS). */
  maxAttempts: number;
}

export const defaultJobRunnerOptions: JobRunnerOptions = {
  pollMs: 1000,
  leaseMs: 60_000,
  concurrency: 8,
  maxAttempts: 50,
};

export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly active = new Set<Promise<void>>();
  private readonly loop: NudgedLoop;
  readonly stats = { ran: 0, failed: 0, lostLeases: 0, deadLettered: 0 };

  constructor(
    private readonly deps: { store: Store; clock: Clock; logger: Logger },
    private readonly options: JobRunnerOptions = defaultJobRunnerOptions,
  ) {
    this.loop = new NudgedLoop(deps.clock, options.pollMs, () =>
      this.claim().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'claiming jobs failed')),
    );
  }

  register(handler: JobHandler): void {
    this.handlers.set(handler.kind, handler);
  }

  start(): void {
    this.loop.start();
  }

  /** Looks for due jobs now (new jobs were written, or a job finished and frees a slot). */
  nudge(): void {
    this.loop.nudge();
  }

  private async claim(): Promise<void> {
    const room = this.options.concurrency - this.active.size;
    if (room <= 0 || this.handlers.size === 0) return;
    const now = this.deps.clock.now();
    const jobs = await this.deps.store.claimJobs({
      now,
      leaseUntil: now + this.options.leaseMs,
      leaseToken: randomBytes(12).toString('base64url'),
      limit: room,
      kinds: [...this.handlers.keys()],
    });
    for (const job of jobs) {
      const running: Promise<void> = this.runOne(job).finally(() => {
        this.active.delete(running);
        // A slot is free: there may be more due work.
        if (jobs.length === room) this.nudge();
      });
      this.active.add(running);
    }
  }

  private async runOne(job: JobRecord): Promise<void> {
    const handler = this.handlers.get(job.kind);
    if (!handler) return;
    if (job.attempts > this.options.maxAttempts) {
      // Claimed more often than allowed without an outcome: its runs die with their node.
      await this.deadLetter(job, `claimed ${job.attempts - 1} times without finishing; last error: ${job.lastError}`);
      return;
    }
    let outcome: JobOutcome;
    try {
      outcome = await handler.run(job);
    } catch (error) {
      this.stats.failed += 1;
      this.deps.logger.error({ err: error, jobId: job.id, kind: job.kind }, 'job failed');
      if (job.attempts >= this.options.maxAttempts) {
        await this.deadLetter(job, String(error));
        return;
      }
      // A handler that throws is retried after its lease would have lapsed anyway.
      outcome = { retryAt: this.deps.clock.now() + this.options.leaseMs, error: String(error) };
    }
    this.stats.ran += 1;
    try {
      const kept =
        'done' in outcome
          ? await this.deps.store.completeJob(job.id, job.leaseToken)
          : 'continueAt' in outcome
            ? // Progress, not a failure: a long erasure must not reach the dead letters by going on.
              await this.deps.store.rescheduleJob(job.id, job.leaseToken, outcome.continueAt, null, true)
            : await this.deps.store.rescheduleJob(job.id, job.leaseToken, outcome.retryAt, outcome.error.slice(0, 500));
      // A job that goes on is due now: look again rather than wait for the next poll.
      if ('continueAt' in outcome) this.nudge();
      if (!kept) {
        this.stats.lostLeases += 1;
        this.deps.logger.warn({ jobId: job.id, kind: job.kind }, 'a job outlived its lease');
      }
    } catch (error) {
      // The lease lapses and the job runs again: handlers are idempotent by their ids.
      this.deps.logger.warn({ err: error, jobId: job.id }, 'could not record a job outcome');
    }
  }

  private async deadLetter(job: JobRecord, error: string): Promise<void> {
    try {
      if (await this.deps.store.deadLetterJob(job.id, job.leaseToken, error.slice(0, 500), this.deps.clock.now())) {
        this.stats.deadLettered += 1;
        this.deps.logger.error(
          { jobId: job.id, kind: job.kind, attempts: job.attempts },
          'job moved to the dead letters',
        );
      }
    } catch (failed) {
      this.deps.logger.warn({ err: failed, jobId: job.id }, 'could not move a job to the dead letters');
    }
  }

  /** Stops claiming and waits for the jobs under way (their outcome is recorded). */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all([...this.active]);
  }
}
