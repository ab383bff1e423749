import { describe, expect, it } from 'vitest';
import { configKeys } from '../config/schema';
import { backoffMs, parseRetryAfter, type WebhookRetryPolicy } from './webhook-delivery';

const defaults: WebhookRetryPolicy = {
  baseMs: configKeys.webhookRetryBaseMs.default,
  maxDelayMs: configKeys.webhookRetryMaxDelayMs.default,
  maxAttempts: configKeys.webhookMaxAttempts.default,
  jitter: 0.2,
};

describe('the webhook retry schedule', () => {
  it('by default doubles from one minute to four hours and spans about a day over its attempts', () => {
    const waits = Array.from({ length: defaults.maxAttempts - 1 }, (_, i) => backoffMs(defaults, i + 1));
    expect(waits.map((ms) => ms / 60_000)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 240, 240, 240, 240, 240]);
    const hours = waits.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(hours).toBeGreaterThan(23);
    expect(hours).toBeLessThan(26);
    // With the ±20% jitter the span stays within a day's range too.
    expect(hours * (1 - defaults.jitter)).toBeGreaterThan(19);
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores what it cannot read', () => {
    const now = Date.parse('2026-12-07T09:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 07 Dec 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
