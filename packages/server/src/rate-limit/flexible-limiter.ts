/**
 * The RateLimiter port over rate-limiter-flexible: one fixed-window limiter per
 * rule, whatever keeps the counters (memory or PostgreSQL). A store that fails
 * (PostgreSQL unreachable) falls back to in-memory counters of this node, with a
 * warning, rather than refusing every login: limits then hold per node until the
 * store answers again.
 */
import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../ports/logger';
import type { RateDecision, RateLimiter, RateLimitName, RateLimitRule, RateLimitRules } from '../ports/rate-limiter';

/** Longer keys are hashed: PostgreSQL's column holds 255 characters, with the rule's prefix. */
const MAX_KEY_LENGTH = 200;
/** At most one warning per this long while the shared store keeps failing. */
const WARN_EVERY_MS = 60_000;

export function storageKey(key: string): string {
  return key.length <= MAX_KEY_LENGTH ? key : `h:${createHash('sha256').update(key).digest('base64url')}`;
}

/** rate-limiter-flexible counts in seconds (fractions allowed). */
export function memoryLimiter(name: RateLimitName, rule: RateLimitRule): RateLimiterMemory {
  return new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.durationMs / 1000 });
}

export class FlexibleRateLimiter implements RateLimiter {
  private readonly fallback = new Map<RateLimitName, RateLimiterMemory>();
  private lastWarning = 0;

  constructor(
    private readonly limiters: Record<RateLimitName, RateLimiterAbstract>,
    private readonly rules: RateLimitRules,
    private readonly logger: Logger,
    private readonly release: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async take(limit: RateLimitName, key: string, points = 1): Promise<RateDecision> {
    try {
      const result = await this.run(limit, (limiter) => limiter.consume(storageKey(key), points));
      return { allowed: true, remaining: result.remainingPoints };
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(error.msBeforeNext)) };
    }
  }

  async giveBack(limit: RateLimitName, key: string, points = 1): Promise<void> {
    await this.run(limit, (limiter) => limiter.reward(storageKey(key), points));
  }

  stop(): Promise<void> {
    return this.release();
  }

  /** Runs on the configured limiter; on a store failure, on this node's memory instead. */
  private async run(
    limit: RateLimitName,
    operation: (limiter: RateLimiterAbstract) => Promise<RateLimiterRes>,
  ): Promise<RateLimiterRes> {
    try {
      return await operation(this.limiters[limit]);
    } catch (error) {
      if (error instanceof RateLimiterRes || this.limiters[limit] instanceof RateLimiterMemory) throw error;
      const now = Date.now();
      if (now - this.lastWarning >= WARN_EVERY_MS) {
        this.lastWarning = now;
        this.logger.warn({ err: error, limit }, 'rate limit store failed: counting on this node only meanwhile');
      }
      let local = this.fallback.get(limit);
      if (!local) {
        local = memoryLimiter(limit, this.rules[limit]);
        this.fallback.set(limit, local);
      }
      return operation(local);
    }
  }
}
