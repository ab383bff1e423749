/**
 * The dashboard's figures from two readings of the server's Prometheus metrics
 * (`GET /v1/admin/metrics`, parsed by the SDK): gauges as read, counters as a rate
 * per second between the two readings. Pure, so it is tested without a server.
 */
import { sumSamples, type MetricSample } from '@parley/sdk';

export interface Reading {
  at: number;
  samples: readonly MetricSample[];
}

export interface Figures {
  connections: number;
  /** Messages sent per second since the previous reading (null: only one reading yet). */
  messageRate: number | null;
  /** Errors answered per second since the previous reading (null: only one reading yet). */
  errorRate: number | null;
  /** The event loop's mean lag, in milliseconds. */
  eventLoopLagMs: number;
  /** Events committed but not yet published (the outbox's queue). */
  outboxPending: number;
  /** Jobs that failed too often and wait aside (since the node started). */
  deadLettered: number;
}

function rate(previous: Reading | undefined, current: Reading, name: string): number | null {
  if (previous === undefined || current.at <= previous.at) return null;
  const delta = sumSamples(current.samples, name) - sumSamples(previous.samples, name);
  // A counter that went down means the node restarted: no rate for this interval.
  if (delta < 0) return null;
  return delta / ((current.at - previous.at) / 1000);
}

export function figuresOf(current: Reading, previous?: Reading): Figures {
  const s = current.samples;
  return {
    connections: sumSamples(s, 'parley_ws_connections'),
    messageRate: rate(previous, current, 'parley_messages_sent_total'),
    errorRate: rate(previous, current, 'parley_errors_total'),
    eventLoopLagMs: sumSamples(s, 'parley_nodejs_eventloop_lag_seconds') * 1000,
    outboxPending: sumSamples(s, 'parley_outbox_pending'),
    deadLettered: sumSamples(s, 'parley_jobs_dead_lettered_total'),
  };
}
