/**
 * Ephemeral events: typing and presence, which no write backs and which lose
 * nothing if a node dies (typing expires, presence is recomputed). They go to the
 * bus directly, each with its own id like every bus event. Everything a write
 * causes goes through the outbox instead (Store.emit and relay.ts).
 */
import { newEventId } from '../domain/ids';
import type { Bus } from '../ports/bus';
import type { EventBody } from '../ports/bus-events';
import type { EphemeralEvents } from '../ports/events';

export class BusEphemeralEvents implements EphemeralEvents {
  constructor(private readonly bus: Bus) {}

  publish(topic: string, body: EventBody): Promise<void> {
    return this.bus.publish(topic, { ...body, id: newEventId() });
  }
}
