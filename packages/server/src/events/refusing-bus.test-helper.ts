/**
 * Test helper: a real bus that refuses publishes while told to (the failure the
 * outbox exists for: the bus is down between a commit and its publish).
 * Subscriptions and delivery are the wrapped bus's own.
 */
import type { Bus, BusHandler, Subscription } from '../ports/bus';
import type { BusEvent } from '../ports/bus-events';

export class RefusingBus implements Bus {
  refusing = false;
  /** Publishes refused so far. */
  refused = 0;

  constructor(private readonly inner: Bus) {}

  publish(topic: string, event: BusEvent): Promise<void> {
    if (this.refusing) {
      this.refused += 1;
      return Promise.reject(new Error('bus unavailable (injected)'));
    }
    return this.inner.publish(topic, event);
  }

  subscribe(topic: string, handler: BusHandler): Subscription {
    return this.inner.subscribe(topic, handler);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}
