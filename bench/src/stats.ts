/**
 * Latency statistics for the load generator: percentiles by the nearest-rank
 * method over all samples (no sampling, no histogram buckets: a run holds at most
 * a few million numbers, and exact percentiles keep the figures reproducible).
 */

export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * The nearest-rank percentile of an ascending array: the smallest value such that
 * at least `p` percent of the samples are less than or equal to it. NaN when empty.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Count, mean, min, max and p50/p95/p99 of some samples (which it does not modify). */
export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  const count = sorted.length;
  return {
    count,
    min: count === 0 ? Number.NaN : (sorted[0] as number),
    mean: count === 0 ? Number.NaN : sum / count,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: count === 0 ? Number.NaN : (sorted[count - 1] as number),
  };
}
