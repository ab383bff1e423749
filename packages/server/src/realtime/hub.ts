/**
 * The sessions on this node and the bus subscriptions they need. A connection is
 * subscribed to its user's topic and to each of its conversations' topics; a
 * topic is subscribed on the bus once per node however many local connections
 * want it, so a channel's message costs one bus delivery per node, not one per
 * member (fan-out by subscription). Must not call services or the store.
 */
import { CloseCode } from '@parley/protocol';
import { topics, type Bus, type Subscription } from '../ports/bus';
import type { BusEvent } from '../ports/bus-events';
import type { Logger } from '../ports/logger';
import { encodeEvent } from './encode';

export interface RealtimeConnection {
  readonly id: string;
  readonly userId: string;
  readonly sessionId: string;
  /** Writes an encoded frame; the connection enforces its own send buffer limit. */
  send(frame: string): void;
  /**
   * When present, the hub hands this connection the bus event itself instead of
   * the native JSON frame: a gateway speaking another protocol (XMPP) encodes it
   * its own way. The hub still encodes the JSON frame at most once per event.
   */
  sendEvent?(event: BusEvent): void;
  close(code: number, reason: string): void;
}

/** Encodes the native frame on first use only, then hands out the same string (serialize once). */
function lazyFrame(event: BusEvent): () => string | null {
  let frame: string | null | undefined;
  return () => (frame === undefined ? (frame = encodeEvent(event)) : frame);
}

interface TopicEntry {
  subscription: Subscription;
  connections: Set<RealtimeConnection>;
}

export class RealtimeHub {
  private readonly conversationTopics = new Map<string, TopicEntry>();
  private readonly userTopics = new Map<string, TopicEntry>();
  /**
   * Each attached connection with the user id it had when it attached: a closing
   * connection may no longer know its user, and detach must still find its topics.
   */
  private readonly attached = new Map<RealtimeConnection, { userId: string; conversations: Set<string> }>();
  private presenceSubscription: Subscription | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.presenceSubscription = this.bus.subscribe(topics.presence, (event) => this.onAudienceEvent(event));
  }

  stop(): void {
    this.presenceSubscription?.unsubscribe();
    for (const connection of [...this.attached.keys()]) this.detach(connection);
  }

  get connectionCount(): number {
    return this.attached.size;
  }

  attach(connection: RealtimeConnection, conversationIds: Iterable<string>): void {
    const userId = connection.userId;
    this.attached.set(connection, { userId, conversations: new Set() });
    // The handler outlives this connection (others of the user share the topic):
    // it must not read anything from the connection that subscribed first.
    this.join(this.userTopics, userId, connection, topics.user(userId), (event) => this.onUserEvent(userId, event));
    for (const id of conversationIds) this.subscribeConversation(connection, id);
  }

  detach(connection: RealtimeConnection): void {
    const entry = this.attached.get(connection);
    if (!entry) return;
    for (const id of entry.conversations) this.leave(this.conversationTopics, id, connection);
    this.leave(this.userTopics, entry.userId, connection);
    this.attached.delete(connection);
  }

  private subscribeConversation(connection: RealtimeConnection, conversationId: string): void {
    const set = this.attached.get(connection)?.conversations;
    if (!set || set.has(conversationId)) return;
    set.add(conversationId);
    this.join(this.conversationTopics, conversationId, connection, topics.conversation(conversationId), (event) =>
      this.onConversationEvent(conversationId, event),
    );
  }

  private unsubscribeConversation(connection: RealtimeConnection, conversationId: string): void {
    if (this.attached.get(connection)?.conversations.delete(conversationId)) {
      this.leave(this.conversationTopics, conversationId, connection);
    }
  }

  private join(
    map: Map<string, TopicEntry>,
    key: string,
    connection: RealtimeConnection,
    topic: string,
    handler: (event: BusEvent) => void,
  ): void {
    let entry = map.get(key);
    if (!entry) {
      entry = { subscription: this.bus.subscribe(topic, handler), connections: new Set() };
      map.set(key, entry);
    }
    entry.connections.add(connection);
  }

  private leave(map: Map<string, TopicEntry>, key: string, connection: RealtimeConnection): void {
    const entry = map.get(key);
    if (!entry) return;
    entry.connections.delete(connection);
    if (entry.connections.size === 0) {
      entry.subscription.unsubscribe();
      map.delete(key);
    }
  }

  private deliver(
    connections: Iterable<RealtimeConnection>,
    event: BusEvent,
    frameOf: () => string | null = lazyFrame(event),
    skipUserId?: string,
  ): void {
    // Typing and receipts name the members a block keeps them from (computed by the service).
    const except = event.type === 'typing' || event.type === 'receipt' ? event.exceptUserIds : undefined;
    const skipped = except && except.length > 0 ? new Set(except) : undefined;
    for (const connection of connections) {
      if (connection.userId === skipUserId || skipped?.has(connection.userId)) continue;
      try {
        if (connection.sendEvent) {
          connection.sendEvent(event);
          continue;
        }
        const frame = frameOf();
        if (frame !== null) connection.send(frame);
      } catch (error) {
        this.logger.warn({ err: error, connection: connection.id }, 'send failed');
      }
    }
  }

  private onConversationEvent(conversationId: string, event: BusEvent): void {
    const entry = this.conversationTopics.get(conversationId);
    if (!entry) return;
    // Your own typing indicator is noise on your other devices.
    this.deliver([...entry.connections], event, lazyFrame(event), event.type === 'typing' ? event.userId : undefined);
  }

  private onUserEvent(userId: string, event: BusEvent): void {
    const entry = this.userTopics.get(userId);
    if (!entry) return;
    const connections = [...entry.connections];
    switch (event.type) {
      case 'session.revoked':
        for (const connection of connections) {
          if (event.sessionIds.includes(connection.sessionId))
            connection.close(CloseCode.sessionRevoked, 'session revoked');
        }
        return;
      case 'conversation.updated':
        for (const connection of connections) this.subscribeConversation(connection, event.conversation.id);
        break;
      case 'conversation.removed':
        for (const connection of connections) this.unsubscribeConversation(connection, event.conversationId);
        break;
      default:
        break;
    }
    this.deliver(connections, event);
  }

  private onAudienceEvent(event: BusEvent): void {
    if (event.type !== 'presence' && event.type !== 'user.updated') return;
    const frameOf = lazyFrame(event);
    for (const userId of event.audience) {
      const entry = this.userTopics.get(userId);
      if (entry) this.deliver(entry.connections, event, frameOf);
    }
  }
}
