/**
 * The contract every RateLimiter passes: budgets per rule and key, refusals that
 * say when to retry, points given back, windows that refill, and no overrun under
 * concurrent takes. `shared` implementations also hold one budget across several
 * instances (nodes) on the same backend.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RateLimiter, RateLimitRules } from '../ports/rate-limiter';

export interface RateLimiterFactory {
  /** A limiter (a node); with `shared`, every limiter made by one factory counts together. */
  make(rules: RateLimitRules): Promise<RateLimiter>;
  shared: boolean;
}

const rules = (points: number, durationMs = 60_000): RateLimitRules => ({
  auth: { points, durationMs },
  membership: { points, durationMs },
  directory: { points, durationMs },
  incomingWebhook: { points, durationMs },
  keyPackages: { points, durationMs },
  interaction: { points, durationMs },
  assistant: { points, durationMs },
  export: { points, durationMs },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let keyCounter = 0;
const freshKey = () => `k${++keyCounter}-${Math.random().toString(36).slice(2, 8)}`;

export function rateLimiterContract(name: string, factory: RateLimiterFactory): void {
  describe(`RateLimiter contract: ${name}`, () => {
    const made: RateLimiter[] = [];
    const make = async (r: RateLimitRules) => {
      const limiter = await factory.make(r);
      made.push(limiter);
      return limiter;
    };
    afterEach(async () => {
      for (const limiter of made.splice(0)) await limiter.stop();
    });

    it('allows the budget, then refuses with the time left in the window', async () => {
      const limiter = await make(rules(3, 60_000));
      const key = freshKey();
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await limiter.take('auth', key));
      expect(decisions.slice(0, 3)).toEqual([
        { allowed: true, remaining: 2 },
        { allowed: true, remaining: 1 },
        { allowed: true, remaining: 0 },
      ]);
      for (const refused of decisions.slice(3)) {
        expect(refused.allowed).toBe(false);
        if (refused.allowed) continue;
        expect(refused.retryAfterMs).toBeGreaterThan(55_000);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
    });

    it('keeps keys and rules apart', async () => {
      const limiter = await make(rules(1));
      const [a, b] = [freshKey(), freshKey()];
      expect((await limiter.take('auth', a)).allowed).toBe(true);
      expect((await limiter.take('auth', a)).allowed).toBe(false);
      expect((await limiter.take('auth', b)).allowed).toBe(true);
      expect((await limiter.take('membership', a)).allowed).toBe(true);
      expect((await limiter.take('membership', a)).allowed).toBe(false);
    });

    it('takes several points at once', async () => {
      const limiter = await make(rules(5));
      const key = freshKey();
      expect(await limiter.take('membership', key, 4)).toEqual({ allowed: true, remaining: 1 });
      expect((await limiter.take('membership', key, 2)).allowed).toBe(false);
    });

    it('gives points back to a budget', async () => {
      const limiter = await make(rules(2));
      const key = freshKey();
      await limiter.take('auth', key);
      await limiter.take('auth', key);
      expect((await limiter.take('auth', key)).allowed).toBe(false);
      // The refused attempt counted too: two points back leave one attempt.
      await limiter.giveBack('auth', key);
      await limiter.giveBack('auth', key);
      expect((await limiter.take('auth', key)).allowed).toBe(true);
      expect((await limiter.take('auth', key)).allowed).toBe(false);
    });

    it('refills the budget when the window ends', async () => {
      const limiter = await make(rules(1, 300));
      const key = freshKey();
      expect((await limiter.take('auth', key)).allowed).toBe(true);
      const refused = await limiter.take('auth', key);
      expect(refused.allowed).toBe(false);
      if (!refused.allowed) expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
      await sleep(350);
      expect((await limiter.take('auth', key)).allowed).toBe(true);
    });

    it('never lets concurrent takes overrun the budget', async () => {
      const limiter = await make(rules(10));
      const key = freshKey();
      const decisions = await Promise.all(Array.from({ length: 30 }, () => limiter.take('auth', key)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    });

    it('accepts keys of any length (IPv6 addresses, long account ids)', async () => {
      const limiter = await make(rules(1));
      const long = `${freshKey()}${'x'.repeat(400)}`;
      expect((await limiter.take('auth', long)).allowed).toBe(true);
      expect((await limiter.take('auth', long)).allowed).toBe(false);
      expect((await limiter.take('auth', `${long}y`)).allowed).toBe(true);
    });

    if (factory.shared) {
      it('holds one budget across nodes', async () => {
        const [one, two] = [await make(rules(4)), await make(rules(4))];
        const key = freshKey();
        const decisions = [];
        for (let i = 0; i < 3; i++) {
          decisions.push(await one.take('auth', key));
          decisions.push(await two.take('auth', key));
        }
        expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, false, false]);
        // A point given back on one node is there for the other.
        await one.giveBack('auth', key, 3);
        expect((await two.take('auth', key)).allowed).toBe(true);
      });
    }
  });
}
