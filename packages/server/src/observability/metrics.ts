/**
 * Prometheus metrics served at /metrics. One registry per server instance, so two
 * servers in one test process do not share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  return {
    registry,
    connections: new Gauge({
      name: 'parley_ws_connections',
      help: 'Open WebSocket connections',
      registers: [registry],
    }),
    frames: new Counter({
      name: 'parley_ws_frames_total',
      help: 'WebSocket frames received, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'parley_errors_total',
      help: 'Errors answered to clients, by code and gateway',
      labelNames: ['code', 'gateway'] as const,
      registers: [registry],
    }),
    messagesSent: new Counter({
      name: 'parley_messages_sent_total',
      help: 'Messages stored (not counting idempotent repeats)',
      registers: [registry],
    }),
    slowDisconnects: new Counter({
      name: 'parley_ws_slow_disconnects_total',
      help: 'Connections closed because their send buffer overflowed',
      registers: [registry],
    }),
    slowReaderDrops: new Counter({
      name: 'parley_ws_slow_reader_drops_total',
      help: 'Slow readers dropped after the grace without reading their 4108 close frame (they see 1006)',
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'parley_request_duration_seconds',
      help: 'Time to answer a WebSocket frame or HTTP request',
      labelNames: ['gateway', 'type'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
