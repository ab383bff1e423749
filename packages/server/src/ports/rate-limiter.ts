/**
 * Rate limits about an account or a client address (failed logins, registrations,
 * membership changes): budgets that must hold whichever node a request reaches.
 * In memory for one node (rate-limit/rate-limiter-memory.ts), in PostgreSQL for a
 * cluster (rate-limit/rate-limiter-postgres.ts); both pass rate-limiter.contract.ts.
 * Per-connection limits (WebSocket frames, XMPP stanzas) are not here: a
 * connection lives on one node, so its token bucket stays local.
 */

/**
 * `auth`: authentication attempts per client address (password logins over HTTP
 * and XMPP SASL, password changes, refused WebSocket tokens) and registrations.
 * `membership`: joins, invite acceptances and leaves per account.
 * `directory`: user directory searches per account (services/user-directory.ts).
 * `incomingWebhook`: posts per incoming webhook (services/incoming-webhooks.ts).
 * `keyPackages`: MLS key packages claimed per account (services/e2ee.ts).
 * `interaction`: slash commands and component clicks per account (services/interactions.ts).
 * `export`: a user's own exports of their data (services/user-export.ts).
 */
export type RateLimitName =
  'auth' | 'membership' | 'directory' | 'incomingWebhook' | 'keyPackages' | 'interaction' | 'assistant' | 'export';

export interface RateLimitRule {
  /** Points in one window. */
  points: number;
  /** The window: a budget refills in full this long after its first use. */
  durationMs: number;
}

export type RateLimitRules = Record<RateLimitName, RateLimitRule>;

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /**
   * Takes `points` from `key`'s budget under `limit`. A refusal says when the budget
   * refills; the refused points count too, so hammering does not help.
   */
  take(limit: RateLimitName, key: string, points?: number): Promise<RateDecision>;
  /** Returns points an attempt took when it turned out fine (a successful login). */
  giveBack(limit: RateLimitName, key: string, points?: number): Promise<void>;
  /** Releases timers and connections. */
  stop(): Promise<void>;
}
