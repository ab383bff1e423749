import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ParleyError } from './errors';
import { PendingRequests } from './pending-requests';
import { realTimers } from './timers';

describe('PendingRequests', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('settles each request by its id only', async () => {
    const table = new PendingRequests(realTimers);
    const a = table.nextId();
    const b = table.nextId();
    expect(a).not.toBe(b);
    const pa = table.add(a, 1000);
    const pb = table.add(b, 1000);
    expect(table.resolve(b, { x: 2 })).toBe(true);
    expect(table.reject(a, new ParleyError('not_found', 'nope'))).toBe(true);
    await expect(pb).resolves.toEqual({ x: 2 });
    await expect(pa).rejects.toMatchObject({ code: 'not_found', retryable: false });
    expect(table.resolve(a, {})).toBe(false);
    expect(table.size).toBe(0);
  });

  it('rejects with a retryable timeout when no answer comes', async () => {
    const table = new PendingRequests(realTimers);
    const p = table.add('r1', 500);
    const check = expect(p).rejects.toMatchObject({ code: 'unavailable', retryable: true, localFailure: 'timeout' });
    await vi.advanceTimersByTimeAsync(499);
    expect(table.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await check;
    expect(table.resolve('r1', {})).toBe(false);
  });

  it('rejects everything on disconnect and clears the timers', async () => {
    const table = new PendingRequests(realTimers);
    const ps = [table.add('a', 500), table.add('b', 500)];
    table.rejectAll(new ParleyError('unavailable', 'gone', { details: { reason: 'disconnected' } }));
    for (const p of ps) await expect(p).rejects.toMatchObject({ localFailure: 'disconnected' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
