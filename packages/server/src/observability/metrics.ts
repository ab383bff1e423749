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
      help: 'Messages stored through the native API, WebSocket and HTTP (not counting idempotent repeats)',
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
    presendSeconds: new Histogram({
      name: 'parley_presend_hook_seconds',
      help: 'Time a pre-send hook took to answer (or to fail), by hook (ADR 0030)',
      labelNames: ['hook'] as const,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10],
      registers: [registry],
    }),
    presendOutcomes: new Counter({
      name: 'parley_presend_hook_outcomes_total',
      help: 'Pre-send hook turns by hook and outcome: allow, change, reject, timeout, error, breaker_open',
      labelNames: ['hook', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** What the cluster metrics read, at each scrape. */
export interface ClusterSource {
  /** Nodes this one hears, itself included. */
  liveNodes(): number;
  /** Events committed on this node (or taken over) and not yet taken by the bus. */
  outboxPending(): number;
  /** Running totals of the event relay. */
  relay(): { published: number; failures: number; takenOver: number; dropped: number };
  /** Times the bus said events may have been lost (every connection then resynced). */
  busGaps(): number;
  /** Entries the dispatcher took out of the outbox (ADR 0011). */
  dispatched(): number;
  /** Running totals of the job runner. */
  jobs(): { ran: number; failed: number; lostLeases: number };
  /** Events and jobs this node moved to the dead letters (ADR 0018). */
  deadLettered(): number;
}

/** A counter that mirrors a running total kept elsewhere. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  let seen = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      if (now > seen) this.inc(now - seen);
      seen = now;
    },
  });
}

/** The series that tell how a cluster is doing (docs/operations.md, "Metrics that matter"). */
export function registerClusterMetrics(metrics: Metrics, source: ClusterSource): void {
  const { registry } = metrics;
  new Gauge({
    name: 'parley_cluster_nodes',
    help: 'Nodes this node hears on the bus, itself included',
    registers: [registry],
    collect() {
      this.set(source.liveNodes());
    },
  });
  new Gauge({
    name: 'parley_outbox_pending',
    help: 'Events committed but not yet taken by the bus (grows while the bus is away)',
    registers: [registry],
    collect() {
      this.set(source.outboxPending());
    },
  });
  mirroredCounter(
    registry,
    'parley_events_published_total',
    'Events the relay published',
    () => source.relay().published,
  );
  mirroredCounter(
    registry,
    'parley_bus_refusals_total',
    'Publishes the bus refused (each retried)',
    () => source.relay().failures,
  );
  mirroredCounter(
    registry,
    'parley_events_taken_over_total',
    "Overdue events this node published for another (a dead node's, or the admin commands')",
    () => source.relay().takenOver,
  );
  mirroredCounter(
    registry,
    'parley_events_dropped_total',
    'Events the bus can never take (larger than its payload limit), dropped; clients recover them by seq',
    () => source.relay().dropped,
  );
  mirroredCounter(
    registry,
    'parley_bus_gaps_total',
    'Times the bus may have lost events for this node (every connection resynced)',
    () => source.busGaps(),
  );
  mirroredCounter(
    registry,
    'parley_events_dispatched_total',
    'Committed entries this node turned into jobs for the durable consumers (webhooks)',
    () => source.dispatched(),
  );
  mirroredCounter(
    registry,
    'parley_jobs_run_total',
    'Jobs of the durable queue (webhook deliveries) this node ran, retries included',
    () => source.jobs().ran,
  );
  mirroredCounter(
    registry,
    'parley_jobs_lost_lease_total',
    'Jobs that outlived their lease (PARLEY_JOB_LEASE_MS too short for the handler)',
    () => source.jobs().lostLeases,
  );
  mirroredCounter(
    registry,
    'parley_jobs_dead_lettered_total',
    'Events and jobs this node moved to the dead letters after failing too often (ADR 0018)',
    () => source.deadLettered(),
  );
}
