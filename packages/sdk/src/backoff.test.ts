import { describe, expect, it } from 'vitest';
import { backoffCap, backoffDelay, resolveBackoff, restartDelay } from './backoff';

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

  it('spreads reconnects after a service restart uniformly over its window', () => {
    const restart = resolveBackoff({ restartMinDelayMs: 1000, restartSpreadMs: 4000 });
    expect(restartDelay(restart, () => 0)).toBe(1000);
    expect(restartDelay(restart, () => 0.5)).toBe(3000);
    expect(restartDelay(restart, () => 0.999999)).toBeLessThan(5000);
    // 2,000 clients: every one inside the window, and no second of it taking more than its share.
    const samples = Array.from({ length: 2000 }, () => restartDelay(restart));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...samples)).toBeLessThan(5000);
    for (let second = 1; second < 5; second += 1) {
      const inSecond = samples.filter((s) => s >= second * 1000 && s < (second + 1) * 1000).length;
      expect(inSecond).toBeGreaterThan(350);
      expect(inSecond).toBeLessThan(650);
    }
  });

  it('fills defaults and clamps nonsense', () => {
    expect(resolveBackoff()).toEqual({
      initialDelayMs: 500,
      maxDelayMs: 10_000,
      factor: 2,
      stableAfterMs: 10_000,
      maxAttempts: Number.POSITIVE_INFINITY,
      restartMinDelayMs: 1_000,
      restartSpreadMs: 4_000,
    });
    const odd = resolveBackoff({ initialDelayMs: -5, maxDelayMs: -1, factor: 0.5, maxAttempts: 0 });
    expect(odd.initialDelayMs).toBe(0);
    expect(odd.maxDelayMs).toBe(0);
    expect(odd.factor).toBe(1);
    expect(odd.maxAttempts).toBe(1);
    const negative = resolveBackoff({ restartMinDelayMs: -1, restartSpreadMs: -1 });
    expect(restartDelay(negative, () => 0.7)).toBe(0);
    expect(backoffDelay(3, odd, () => 0.7)).toBe(0);
  });
});
