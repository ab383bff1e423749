/**
 * A circuit breaker for calls that must not stall their caller (pre-send hooks, ADR
 * 0030). Closed: calls go through and consecutive failures are counted; at the
 * threshold it opens. Open: no call goes through until `openMs` has passed. Then
 * half-open: exactly one call goes through (the others are refused while it is out);
 * its success closes the breaker, its failure opens it again for `openMs`. Pure: the
 * caller passes the time.
 */

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open it. */
  failures: number;
  /** How long it stays open before one trial call. */
  openMs: number;
}

export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private current: BreakerState = 'closed';

  constructor(private readonly options: BreakerOptions) {}

  /** The state at `now` (an open breaker whose time is up reads as half-open). */
  state(now: number): BreakerState {
    if (this.current === 'open' && now >= this.openUntil) return 'half_open';
    return this.current;
  }

  /**
   * May a call go out now? True when closed, or for the one trial call of a half-open
   * breaker (which then stays taken until `succeeded` or `failed`).
   */
  acquire(now: number): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open' && now >= this.openUntil) {
      this.current = 'half_open';
      return true;
    }
    return false;
  }

  succeeded(): void {
    this.current = 'closed';
    this.failures = 0;
  }

  failed(now: number): void {
    this.failures += 1;
    if (this.current === 'half_open' || this.failures >= this.options.failures) {
      this.current = 'open';
      this.openUntil = now + this.options.openMs;
    }
  }
}
