/**
 * The bus port: how events reach every node after a commit (guarantee 6). Events
 * are small, versioned JSON objects; a topic names what they are about.
 * Implementations (bus/) must pass bus/bus.contract.ts.
 *
 * Topics: `conv.<conversationId>` (messages, typing, receipts, conversation
 * changes), `user.<userId>` (things addressed to one person: membership, session
 * revocation, profile), `presence` (aggregated presence with its audience).
 */
import type { BusEvent } from './bus-events';

export type BusHandler = (event: BusEvent) => void;

export interface Subscription {
  unsubscribe(): void;
}

export interface Bus {
  /** Delivers to every subscriber of the topic on every node, in publish order per topic. */
  publish(topic: string, event: BusEvent): Promise<void>;
  subscribe(topic: string, handler: BusHandler): Subscription;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const topics = {
  conversation: (id: string) => `conv.${id}`,
  user: (id: string) => `user.${id}`,
  presence: 'presence',
} as const;
