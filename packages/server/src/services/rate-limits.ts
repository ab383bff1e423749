/**
 * The limits that hold per client address or per account on every node, as
 * services apply them over the RateLimiter port: authentication attempts per
 * address (a successful one is given back) and membership changes per account.
 * Gateways never count: they say where a request comes from (ClientOrigin), and
 * every way in (HTTP, WebSocket, XMPP) meets the same budget.
 */
import { AppError } from '../domain/errors';
import { addressRateKey } from '../domain/rate-keys';
import type { Logger } from '../ports/logger';
import type { RateDecision, RateLimiter } from '../ports/rate-limiter';

/** Where a request comes from, as its gateway saw it (behind trusted proxies: the forwarded client). */
export interface ClientOrigin {
  address: string;
}

/** One counted attempt: `succeeded()` gives it back. */
export interface Attempt {
  succeeded(): Promise<void>;
}

function refusal(decision: Extract<RateDecision, { allowed: false }>, message: string): AppError {
  return new AppError('rate_limited', message, { details: { retryAfterMs: decision.retryAfterMs } });
}

export class RateLimits {
  constructor(
    private readonly rates: RateLimiter,
    private readonly logger: Logger,
  ) {}

  /**
   * Counts an authentication attempt (or a registration) from `origin` before it is
   * checked, so that parallel guesses cannot overrun the budget; refused with
   * `rate_limited` past it.
   */
  async authAttempt(origin: ClientOrigin): Promise<Attempt> {
    const key = addressRateKey(origin.address);
    const decision = await this.rates.take('auth', key);
    if (!decision.allowed) {
      this.logger.info({ address: origin.address, retryAfterMs: decision.retryAfterMs }, 'auth attempts limited');
      throw refusal(decision, 'Too many attempts from your address: wait and retry.');
    }
    return {
      succeeded: async () => {
        // The login itself succeeded: failing to give the point back must not undo it.
        await this.rates.giveBack('auth', key).catch((error: unknown) => {
          this.logger.warn({ err: error }, 'could not give an auth attempt back');
        });
      },
    };
  }

  /** Counts an attempt that already failed (a refused token); `rate_limited` when it was one too many. */
  async authFailure(origin: ClientOrigin): Promise<void> {
    await this.authAttempt(origin);
  }

  /** Counts a join, invite acceptance or leave of `userId`; refused with `rate_limited` past the budget. */
  async membershipChange(userId: string): Promise<void> {
    const decision = await this.rates.take('membership', userId);
    if (!decision.allowed) throw refusal(decision, 'Too many joins and leaves: wait and retry.');
  }
}
