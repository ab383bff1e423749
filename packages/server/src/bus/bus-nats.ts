/**
 * The cluster bus on NATS core (publish/subscribe, at most once): one subject per
 * topic under a prefix (`<prefix>.conv.<id>`), JSON payloads, one connection per
 * node, so events of one topic arrive in publish order. Events lost while a node is
 * cut off from NATS are recovered by clients resuming by seq: when the connection
 * comes back, `onGap` listeners hear that this node's subscribers may have missed
 * events (the hub then asks its clients to sync). While disconnected, `publish`
 * refuses instead of buffering in memory, so the outbox relay keeps the events (in
 * the database) and retries. A subscription is ready once the server has
 * acknowledged it (a flush after the SUB).
 */
import { connect, type NatsConnection, type Subscription as NatsSubscription } from '@nats-io/transport-node';
import type { Bus, BusHandler, Subscription } from '../ports/bus';
import type { BusEvent } from '../ports/bus-events';
import type { Logger } from '../ports/logger';

export interface NatsBusOptions {
  /** nats://host:port, several separated by commas. */
  url: string;
  /** Subjects start with `<prefix>.`: several deployments (or test runs) can share one NATS. */
  prefix: string;
  /** The connection's name in the NATS server's monitoring. */
  name?: string;
}

/** An event the bus can never take (retrying is pointless): the relay drops it and logs why. */
export class PermanentBusError extends Error {
  readonly permanent = true;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsBus implements Bus {
  private nc: NatsConnection | undefined;
  private connected = false;
  private flushing: Promise<void> | undefined;
  private readonly gapListeners = new Set<() => void>();
  private readonly subscriptions = new Set<NatsSubscription>();

  constructor(
    private readonly options: NatsBusOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const nc = await connect({
      servers: this.options.url.split(',').map((s) => s.trim()),
      name: this.options.name ?? 'parley',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 250,
      pingInterval: 5000,
      maxPingOut: 2,
    });
    this.nc = nc;
    this.connected = true;
    void this.watch(nc);
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.connected = false;
          this.logger.warn({ server: status.server }, 'bus: lost the NATS server; reconnecting');
          break;
        case 'reconnect':
          this.connected = true;
          this.logger.info({ server: status.server }, 'bus: reconnected to NATS');
          for (const listener of this.gapListeners) {
            try {
              listener();
            } catch (error) {
              this.logger.error({ err: error }, 'bus gap listener failed');
            }
          }
          break;
        default:
          break;
      }
    }
  }

  private subject(topic: string): string {
    return `${this.options.prefix}.${topic}`;
  }

  publish(topic: string, event: BusEvent): Promise<void> {
    const nc = this.nc;
    if (!nc || !this.connected || nc.isClosed()) {
      return Promise.reject(new Error('bus: not connected to NATS'));
    }
    const payload = encoder.encode(JSON.stringify(event));
    const max = nc.info?.max_payload ?? 1024 * 1024;
    if (payload.byteLength > max) {
      return Promise.reject(
        new PermanentBusError(
          `bus: a ${event.type} event of ${payload.byteLength} bytes exceeds NATS max_payload (${max})`,
        ),
      );
    }
    try {
      nc.publish(this.subject(topic), payload);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return Promise.resolve();
  }

  subscribe(topic: string, handler: BusHandler): Subscription {
    const nc = this.nc;
    if (!nc) throw new Error('bus: subscribe before start');
    const sub = nc.subscribe(this.subject(topic), {
      callback: (error, message) => {
        if (error) {
          this.logger.warn({ err: error, topic }, 'bus subscription error');
          return;
        }
        let event: BusEvent;
        try {
          event = JSON.parse(decoder.decode(message.data)) as BusEvent;
        } catch (parseError) {
          this.logger.error({ err: parseError, topic }, 'bus: an event that is not JSON');
          return;
        }
        try {
          handler(event);
        } catch (handlerError) {
          this.logger.error({ err: handlerError, topic, type: event.type }, 'bus handler failed');
        }
      },
    });
    this.subscriptions.add(sub);
    return {
      ready: this.flushed(),
      unsubscribe: () => {
        this.subscriptions.delete(sub);
        if (!sub.isClosed()) sub.unsubscribe();
      },
    };
  }

  /**
   * Resolves when the server has processed everything sent so far (SUBs included).
   * Subscriptions made in the same turn share one round trip. While NATS is away it
   * waits for the reconnect (the client re-sends every SUB then).
   */
  private flushed(): Promise<void> {
    this.flushing ??= new Promise<void>((resolve) => {
      queueMicrotask(() => {
        this.flushing = undefined;
        const attempt = () => {
          const nc = this.nc;
          if (!nc || nc.isClosed()) return resolve();
          nc.flush().then(resolve, () => setTimeout(attempt, 250));
        };
        attempt();
      });
    });
    return this.flushing;
  }

  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  async stop(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    this.subscriptions.clear();
    if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close());
  }
}
