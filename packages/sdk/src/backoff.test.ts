import { describe, expect, it } from 'vitest';
import { backoffCap, backoffDelay, resolveBackoff } from './backoff';

describe('backoff', () => {
  const options = resolveBackoff({ initialDelayMs: 100, maxDelayMs: 5000, factor: 2 });

  it('grows the cap exponentially up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((a) => backoffCap(a, options))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
    expect(backoffCap(10_000, options)).toBe(5000);
  });

  it('draws each delay uniformly in [0, cap) (full jitter)', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(400);
    expect(backoffDelay(3, options, () => 0.999999)).toBeLessThan(800);
    const samples = Array.from({ length: 2000 }, () => backoffDelay(20, options));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(5000);
    // Spread over the whole range, not clustered at the cap.
    expect(samples.filter((s) => s < 2500).length).toBeGreaterThan(700);
    expect(samples.filter((s) => s >= 2500).length).toBeGreaterThan(700);
  });

  it('fills defaults and clamps nonsense', () => {
    expect(resolveBackoff()).toEqual({
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      factor: 2,
      stableAfterMs: 10_000,
      maxAttempts: Number.POSITIVE_INFINITY,
    });
    const odd = resolveBackoff({ initialDelayMs: -5, maxDelayMs: -1, factor: 0.5, maxAttempts: 0 });
    expect(odd.initialDelayMs).toBe(0);
    expect(odd.maxDelayMs).toBe(0);
    expect(odd.factor).toBe(1);
    expect(odd.maxAttempts).toBe(1);
    expect(backoffDelay(3, odd, () => 0.7)).toBe(0);
  });
});
