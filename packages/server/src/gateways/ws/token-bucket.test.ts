import { expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

it('allows a burst, then the sustained rate, and says how long to wait', () => {
  const bucket = new TokenBucket(10, 20, 0);
  for (let i = 0; i < 20; i++) expect(bucket.take(0)).toBe(0);
  expect(bucket.take(0)).toBe(100);
  expect(bucket.take(100)).toBe(0);
  expect(bucket.take(100)).toBeGreaterThan(0);
  expect(bucket.take(10_000)).toBe(0); // refills, but never beyond the burst
  for (let i = 0; i < 19; i++) expect(bucket.take(10_000)).toBe(0);
  expect(bucket.take(10_000)).toBeGreaterThan(0);
});

it('does not stall when the clock steps backwards', () => {
  const bucket = new TokenBucket(10, 20, 1_000_000);
  expect(bucket.take(1_000_000)).toBe(0);
  expect(bucket.take(1_000_000 - 3_600_000)).toBe(0); // an hour back
  expect(bucket.take(1_000_000 - 3_600_000)).toBe(0);
});
