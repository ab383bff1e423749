import { describe, expect, it } from 'vitest';
import type { Connection } from './connection';
import { FocusTracker } from './focus';
import type { TimerHandle, Timers } from './timers';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms): TimerHandle => {
      pending.set(next, { fn, ms });
      return next++;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
    now: () => 0,
  };
  const fire = () => {
    const [[id, timer]] = [...pending.entries()] as [[number, { fn: () => void; ms: number }]];
    pending.delete(id);
    timer.fn();
  };
  return { timers, pending, fire };
}

describe('FocusTracker', () => {
  it('sends the focus when online, repeats it at half its lifetime, and again after a reconnect', async () => {
    const sent: (string | null)[] = [];
    const connection = {
      request: (_type: string, data: { conversationId: string | null }) => {
        sent.push(data.conversationId);
        return Promise.resolve({ expiresInMs: 60_000 });
      },
    } as unknown as Connection;
    const { timers, pending, fire } = manualTimers();
    const focus = new FocusTracker(connection, timers, (error) => {
      throw error;
    });
    await focus.set('c1'); // offline: kept, not sent
    expect(sent).toEqual([]);
    focus.setOnline(true);
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toEqual(['c1']);
    expect([...pending.values()].map((t) => t.ms)).toEqual([30_000]);
    fire();
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toEqual(['c1', 'c1']);
    focus.setOnline(false);
    expect(pending.size).toBe(0);
    focus.setOnline(true);
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toEqual(['c1', 'c1', 'c1']);
    await focus.set(null);
    expect(sent).toEqual(['c1', 'c1', 'c1', null]);
    expect(pending.size).toBe(0);
    await focus.set(null); // unchanged: nothing sent
    expect(sent).toHaveLength(4);
  });
});
