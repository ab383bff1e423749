/**
 * The bus port: how events reach every node after a commit (guarantee 6). Events
 * are small, versioned JSON objects; a topic names what they are about.
 * Implementations (bus/) must pass bus/bus.contract.ts.
 *
 * Topics: `conv.<conversationId>` (messages, typing, receipts, conversation
 * changes), `user.<userId>` (things addressed to one person: membership, contacts,
 * settings), `device.<sessionId>` (one device of one person, wherever it is
 * connected: session revocation, and later call signalling), `presence`
 * (aggregated presence with its audience), `nodes` (the shared presence registry:
 * which devices each node holds, and its heartbeats).
 */
import type { BusEvent } from './bus-events';

export type BusHandler = (event: BusEvent) => void;

export interface Subscription {
  /**
   * Resolves once events published from now on are delivered to the handler (a
   * remote bus has to tell its server first). Whoever promises a client "you are
   * subscribed" waits for it. Never rejects: a bus that cannot subscribe retries.
   */
  readonly ready: Promise<void>;
  unsubscribe(): void;
}

export interface Bus {
  /**
   * Delivers to every subscriber of the topic on every node, in publish order per
   * topic. Resolves when the bus has taken the event; rejects when it cannot (the
   * outbox relay then retries under the same event id).
   */
  publish(topic: string, event: BusEvent): Promise<void>;
  subscribe(topic: string, handler: BusHandler): Subscription;
  /**
   * A bus that can lose events for this node (NATS core while the node is cut off)
   * calls `listener` when it is whole again: subscribers may have missed events and
   * their clients must resume by seq. Returns a function that removes the listener.
   * The in-process bus never loses an event and does not implement it.
   */
  onGap?(listener: () => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const topics = {
  conversation: (id: string) => `conv.${id}`,
  user: (id: string) => `user.${id}`,
  device: (sessionId: string) => `device.${sessionId}`,
  presence: 'presence',
  nodes: 'nodes',
} as const;
