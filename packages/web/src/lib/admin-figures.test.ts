import { describe, expect, it } from 'vitest';
import { figuresOf } from './admin-figures';

const sample = (name: string, value: number, labels: Record<string, string> = {}) => ({ name, labels, value });

describe('figuresOf', () => {
  const first = {
    at: 10_000,
    samples: [
      sample('parley_ws_connections', 4),
      sample('parley_messages_sent_total', 100),
      sample('parley_errors_total', 1, { code: 'forbidden' }),
      sample('parley_errors_total', 2, { code: 'not_found' }),
      sample('parley_nodejs_eventloop_lag_seconds', 0.0125),
      sample('parley_outbox_pending', 7),
    ],
  };
  const second = {
    at: 12_000,
    samples: [
      sample('parley_ws_connections', 5),
      sample('parley_messages_sent_total', 110),
      sample('parley_errors_total', 1, { code: 'forbidden' }),
      sample('parley_errors_total', 6, { code: 'not_found' }),
      sample('parley_nodejs_eventloop_lag_seconds', 0.002),
      sample('parley_outbox_pending', 0),
    ],
  };

  it('reads gauges and has no rates from one reading', () => {
    expect(figuresOf(first)).toEqual({
      connections: 4,
      messageRate: null,
      errorRate: null,
      eventLoopLagMs: 12.5,
      outboxPending: 7,
      deadLettered: 0,
    });
  });

  it('turns counters into rates per second between two readings', () => {
    const figures = figuresOf(second, first);
    expect(figures.messageRate).toBe(5);
    expect(figures.errorRate).toBe(2);
    expect(figures.connections).toBe(5);
  });

  it('gives no rate across a restart (a counter that went down)', () => {
    expect(figuresOf(first, second).messageRate).toBeNull();
  });
});
