/**
 * Reconnect delays: exponential backoff with full jitter (a uniformly random delay
 * between 0 and the capped exponential), so that thousands of clients dropped by
 * one server restart do not come back in lockstep. Pure: randomness is injected.
 */

/** Tuning of the reconnect backoff. All durations in milliseconds. */
export interface BackoffOptions {
  /** Upper bound of the first delay. Default 500. */
  initialDelayMs?: number;
  /** Upper bound of any delay. Default 30 000. */
  maxDelayMs?: number;
  /** Growth of the bound per failed attempt. Default 2. */
  factor?: number;
  /** A connection that stays up this long resets the attempt count. Default 10 000. */
  stableAfterMs?: number;
  /** Give up (state `stopped`, reason `gave_up`) after this many failed attempts in a row. Default unbounded. */
  maxAttempts?: number;
}

/** {@link BackoffOptions} with every default filled in. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** Fills in defaults and clamps nonsensical values. */
export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  const initialDelayMs = Math.max(0, options.initialDelayMs ?? 500);
  return {
    initialDelayMs,
    maxDelayMs: Math.max(initialDelayMs, options.maxDelayMs ?? 30_000),
    factor: Math.max(1, options.factor ?? 2),
    stableAfterMs: Math.max(0, options.stableAfterMs ?? 10_000),
    maxAttempts: Math.max(1, options.maxAttempts ?? Number.POSITIVE_INFINITY),
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
