/**
 * Reconnect delays: exponential backoff with full jitter (a uniformly random delay
 * between 0 and the capped exponential), so that thousands of clients dropped by
 * one server restart do not come back in lockstep. The cap is low (10 s) so that the
 * last clients of a restart are not left waiting long after the server is back. A
 * server that says it is restarting (close 1012) is retried after a random delay in
 * a short window instead. Pure: randomness is injected.
 */

/** Tuning of the reconnect backoff. All durations in milliseconds. */
export interface BackoffOptions {
  /** Upper bound of the first delay. Default 500. */
  initialDelayMs?: number;
  /** Upper bound of any delay. Default 10 000. */
  maxDelayMs?: number;
  /** Growth of the bound per failed attempt. Default 2. */
  factor?: number;
  /** A connection that stays up this long resets the attempt count. Default 10 000. */
  stableAfterMs?: number;
  /** Give up (state `stopped`, reason `gave_up`) after this many failed attempts in a row. Default unbounded. */
  maxAttempts?: number;
  /**
   * After close 1012 (service restart) the first reconnect waits a uniformly random
   * delay in [`restartMinDelayMs`, `restartMinDelayMs` + `restartSpreadMs`): soon, but
   * not every client in the same moment. Defaults 1 000 and 4 000.
   */
  restartMinDelayMs?: number;
  /** See `restartMinDelayMs`. */
  restartSpreadMs?: number;
}

/** {@link BackoffOptions} with every default filled in. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** Fills in defaults and clamps nonsensical values. */
export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  const initialDelayMs = Math.max(0, options.initialDelayMs ?? 500);
  return {
    initialDelayMs,
    maxDelayMs: Math.max(initialDelayMs, options.maxDelayMs ?? 10_000),
    factor: Math.max(1, options.factor ?? 2),
    stableAfterMs: Math.max(0, options.stableAfterMs ?? 10_000),
    maxAttempts: Math.max(1, options.maxAttempts ?? Number.POSITIVE_INFINITY),
    restartMinDelayMs: Math.max(0, options.restartMinDelayMs ?? 1_000),
    restartSpreadMs: Math.max(0, options.restartSpreadMs ?? 4_000),
  };
}

/** The cap of the delay before retry number `attempt` (0-based): min(max, initial * factor^attempt). */
export function backoffCap(attempt: number, options: ResolvedBackoff): number {
  const exponent = Math.max(0, attempt);
  const cap = options.initialDelayMs * Math.pow(options.factor, exponent);
  return Math.min(options.maxDelayMs, Number.isFinite(cap) ? cap : options.maxDelayMs);
}

/**
 * The delay before retry number `attempt` (0-based), with full jitter: uniform in
 * [0, cap). `random` returns a number in [0, 1), like `Math.random`.
 */
export function backoffDelay(attempt: number, options: ResolvedBackoff, random: () => number = Math.random): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCap(attempt, options));
}

/**
 * The delay before reconnecting to a server that closed with 1012 (service restart):
 * uniform in [restartMinDelayMs, restartMinDelayMs + restartSpreadMs).
 */
export function restartDelay(options: ResolvedBackoff, random: () => number = Math.random): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return options.restartMinDelayMs + Math.floor(r * options.restartSpreadMs);
}
