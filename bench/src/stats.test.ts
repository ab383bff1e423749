import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './stats';

describe('percentile (nearest rank)', () => {
  it('picks the smallest value covering p percent of the samples', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
  });

  it('works on tiny samples and refuses nonsense', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2], 50)).toBe(1);
    expect(percentile([1, 2], 51)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts numerically, without touching its input', () => {
    const samples = [10, 2, 33, 4, 5];
    const summary = summarize(samples);
    expect(samples).toEqual([10, 2, 33, 4, 5]);
    expect(summary).toEqual({ count: 5, min: 2, mean: 10.8, p50: 5, p95: 33, p99: 33, max: 33 });
  });

  it('reports NaN for an empty run instead of throwing', () => {
    const summary = summarize([]);
    expect(summary.count).toBe(0);
    expect(summary.p50).toBeNaN();
    expect(summary.mean).toBeNaN();
  });
});
