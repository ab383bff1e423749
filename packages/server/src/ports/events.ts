/**
 * How services publish events that no write backs (typing, presence): straight to
 * the bus, best effort. Events caused by a write are recorded with it instead
 * (Store.emit, the outbox), so that a commit and its events cannot part.
 */
import type { EventBody } from './bus-events';

export interface EphemeralEvents {
  publish(topic: string, body: EventBody): Promise<void>;
}
