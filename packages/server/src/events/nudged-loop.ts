/**
 * A pass that runs when nudged and otherwise every pollMs: the shared heartbeat of the
 * dispatcher (events/dispatcher.ts), the job runner (events/job-runner.ts) and main.ts's
 * periodic chores (file cleanup, call sweep, webhook pruning). At most
 * one pass runs at a time; a nudge during a pass makes another one right after it (so
 * work written meanwhile is not left for the next poll); stop cancels the timer and
 * waits for the pass under way. The pass handles its own errors: it must not reject.
 */
import type { Clock } from '../ports/clock';

export class NudgedLoop {
  private timer: { cancel(): void } | undefined;
  /** When the scheduled pass is due (clock time), while `timer` is set. */
  private dueAt = 0;
  private running: Promise<void> | undefined;
  private again = false;
  private halted = false;

  /** pollMs 0: only when nudged (for tests). */
  constructor(
    private readonly clock: Clock,
    private readonly pollMs: number,
    private readonly pass: () => Promise<void>,
  ) {}

  /** Once stop was called: a long pass checks it to end early. */
  get stopped(): boolean {
    return this.halted;
  }

  /** The first pass runs after `firstAfterMs` (0: at once). */
  start(firstAfterMs = 0): void {
    this.schedule(firstAfterMs);
  }

  /** Runs a pass soon (now, unless one is running: then right after it). */
  nudge(): void {
    if (this.halted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.timer?.cancel();
    this.timer = undefined;
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.nudge();
      } else if (this.pollMs > 0) this.schedule(this.pollMs);
    });
  }

  /**
   * Runs a pass within `ms`: the nudges of that time share one pass (the dispatcher's
   * write per pass then rides along with the writes around it instead of costing a
   * commit per event). 0: as `nudge`.
   */
  nudgeWithin(ms: number): void {
    if (ms <= 0 || this.running) {
      this.nudge();
      return;
    }
    if (this.halted || (this.timer && this.dueAt <= this.clock.now() + ms)) return;
    this.arm(ms);
  }

  private schedule(delay: number): void {
    if (this.halted || (delay > 0 && this.pollMs <= 0)) return;
    this.arm(delay);
  }

  private arm(delay: number): void {
    this.timer?.cancel();
    this.dueAt = this.clock.now() + delay;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.nudge();
    }, delay);
  }

  /** No pass starts after this; resolves when the one under way ends. */
  async stop(): Promise<void> {
    this.halted = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
  }
}
