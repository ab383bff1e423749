/**
 * The in-process bus for a single node. Delivery is synchronous and in publish
 * order; a handler that throws is logged and does not stop the others. Events are
 * passed by reference: handlers must treat them as read-only.
 */
import type { Bus, BusHandler, Subscription } from '../ports/bus';
import type { BusEvent } from '../ports/bus-events';
import type { Logger } from '../ports/logger';

export class LocalBus implements Bus {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  constructor(private readonly logger: Logger) {}

  publish(topic: string, event: BusEvent): Promise<void> {
    const set = this.handlers.get(topic);
    if (set) {
      for (const handler of [...set]) {
        try {
          handler(event);
        } catch (error) {
          this.logger.error({ err: error, topic, type: event.type }, 'bus handler failed');
        }
      }
    }
    return Promise.resolve();
  }

  subscribe(topic: string, handler: BusHandler): Subscription {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    set.add(handler);
    return {
      ready: Promise.resolve(),
      unsubscribe: () => {
        const current = this.handlers.get(topic);
        if (!current) return;
        current.delete(handler);
        if (current.size === 0) this.handlers.delete(topic);
      },
    };
  }

  /** Number of topics with at least one subscriber (for metrics and tests). */
  get topicCount(): number {
    return this.handlers.size;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.handlers.clear();
    return Promise.resolve();
  }
}
