import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, and a success resets the count', () => {
    const breaker = new CircuitBreaker({ failures: 3, openMs: 1000 });
    breaker.failed(0);
    breaker.failed(0);
    breaker.succeeded();
    breaker.failed(0);
    breaker.failed(0);
    expect(breaker.acquire(0)).toBe(true);
    breaker.failed(10);
    expect(breaker.state(10)).toBe('open');
    expect(breaker.acquire(500)).toBe(false);
    expect(breaker.acquire(1009)).toBe(false);
  });

  it('lets one trial call through when half-open: a success closes it, a failure opens it again', () => {
    const breaker = new CircuitBreaker({ failures: 1, openMs: 100 });
    breaker.failed(0);
    expect(breaker.state(100)).toBe('half_open');
    expect(breaker.acquire(100)).toBe(true);
    expect(breaker.acquire(100)).toBe(false); // the trial is out: others are refused
    breaker.failed(150);
    expect(breaker.acquire(200)).toBe(false);
    expect(breaker.acquire(250)).toBe(true);
    breaker.succeeded();
    expect(breaker.state(250)).toBe('closed');
    expect(breaker.acquire(250)).toBe(true);
    expect(breaker.acquire(250)).toBe(true);
  });
});
