/**
 * The sessions on this node and the bus subscriptions they need. A connection is
 * subscribed to its user's topic, its device's topic and each of its
 * conversations' topics; a topic is subscribed on the bus once per node however
 * many local connections want it, so a channel's message costs one bus delivery
 * per node, not one per member (fan-out by subscription). An event seen before
 * (by id: the outbox relay may publish one again) is dropped. Must not call
 * services or the store.
 */
import { CloseCode } from '@parley/protocol';
import { topics, type Bus, type Subscription } from '../ports/bus';
import type { BusEvent } from '../ports/bus-events';
import type { Logger } from '../ports/logger';
import { encodeEvent } from './encode';
import { RecentIds } from './recent-ids';

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
  /**
   * The bus may have lost events for this node (see Bus.onGap): the connection must
   * catch up from its own position (a native client is asked to sync; an XMPP
   * session fetches what it has not written).
   */
  resync(): void;
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

/** What an attached connection was subscribed with (a closing connection may no longer know it). */
interface Attachment {
  userId: string;
  sessionId: string;
  conversations: Set<string>;
}

export class RealtimeHub {
  private readonly conversationTopics = new Map<string, TopicEntry>();
  private readonly userTopics = new Map<string, TopicEntry>();
  private readonly deviceTopics = new Map<string, TopicEntry>();
  private readonly attached = new Map<RealtimeConnection, Attachment>();
  private readonly recent = new RecentIds();
  private presenceSubscription: Subscription | undefined;
  private stopGapListener: (() => void) | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {}

  /** Resolves when the presence topic is live. */
  start(): Promise<void> {
    this.stopGapListener = this.bus.onGap?.(() => this.resyncAll());
    this.presenceSubscription = this.bus.subscribe(topics.presence, (event) => {
      if (this.recent.firstSeen(event.id)) this.onAudienceEvent(event);
    });
    return this.presenceSubscription.ready;
  }

  stop(): void {
    this.stopGapListener?.();
    this.presenceSubscription?.unsubscribe();
    for (const connection of [...this.attached.keys()]) this.detach(connection);
  }

  get connectionCount(): number {
    return this.attached.size;
  }

  /**
   * Subscribes a connection to its user, device and conversation topics. Resolves
   * when every one of them is live on the bus: only then may the gateway tell the
   * client it is subscribed (anything committed later arrives live, anything
   * earlier comes with its sync).
   */
  attach(connection: RealtimeConnection, conversationIds: Iterable<string>): Promise<void> {
    const { userId, sessionId } = connection;
    this.attached.set(connection, { userId, sessionId, conversations: new Set() });
    // The handlers outlive this connection (others of the user share the topics):
    // they must not read anything from the connection that subscribed first.
    const ready = [
      this.join(this.userTopics, userId, connection, topics.user(userId), (event) => this.onUserEvent(userId, event)),
      this.join(this.deviceTopics, sessionId, connection, topics.device(sessionId), (event) =>
        this.onDeviceEvent(sessionId, event),
      ),
    ];
    for (const id of conversationIds) ready.push(this.subscribeConversation(connection, id));
    return Promise.all(ready).then(() => undefined);
  }

  detach(connection: RealtimeConnection): void {
    const entry = this.attached.get(connection);
    if (!entry) return;
    for (const id of entry.conversations) this.leave(this.conversationTopics, id, connection);
    this.leave(this.userTopics, entry.userId, connection);
    this.leave(this.deviceTopics, entry.sessionId, connection);
    this.attached.delete(connection);
  }

  private subscribeConversation(connection: RealtimeConnection, conversationId: string): Promise<void> {
    const set = this.attached.get(connection)?.conversations;
    if (!set || set.has(conversationId)) return Promise.resolve();
    set.add(conversationId);
    return this.join(
      this.conversationTopics,
      conversationId,
      connection,
      topics.conversation(conversationId),
      (event) => this.onConversationEvent(conversationId, event),
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
  ): Promise<void> {
    let entry = map.get(key);
    if (!entry) {
      const deduplicated = (event: BusEvent) => {
        if (this.recent.firstSeen(event.id)) handler(event);
      };
      entry = { subscription: this.bus.subscribe(topic, deduplicated), connections: new Set() };
      map.set(key, entry);
    }
    entry.connections.add(connection);
    return entry.subscription.ready;
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

  private resyncAll(): void {
    this.logger.warn({ connections: this.attached.size }, 'the bus may have lost events: every connection resyncs');
    for (const connection of this.attached.keys()) {
      try {
        connection.resync();
      } catch (error) {
        this.logger.warn({ err: error, connection: connection.id }, 'resync failed');
      }
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
    const connections = [...entry.connections];
    // Your own typing indicator is noise on your other devices.
    this.deliver(connections, event, lazyFrame(event), event.type === 'typing' ? event.userId : undefined);
    // A deleted conversation's topic carries nothing more: every device leaves it.
    if (event.type === 'conversation.deleted') {
      for (const connection of connections) this.unsubscribeConversation(connection, conversationId);
    }
  }

  private onUserEvent(userId: string, event: BusEvent): void {
    const entry = this.userTopics.get(userId);
    if (!entry) return;
    const connections = [...entry.connections];
    switch (event.type) {
      case 'conversation.updated':
        // A new conversation's topic: live within the bus's subscribe latency; an
        // entry committed before that reaches the device with its next sync or
        // gap fill (the client resumes by seq).
        for (const connection of connections) void this.subscribeConversation(connection, event.conversation.id);
        break;
      case 'conversation.removed':
        for (const connection of connections) this.unsubscribeConversation(connection, event.conversationId);
        break;
      default:
        break;
    }
    this.deliver(connections, event);
  }

  /** Events addressed to one device (session), wherever it is connected. */
  private onDeviceEvent(sessionId: string, event: BusEvent): void {
    const entry = this.deviceTopics.get(sessionId);
    if (!entry) return;
    const connections = [...entry.connections];
    if (event.type === 'session.revoked') {
      for (const connection of connections) connection.close(CloseCode.sessionRevoked, 'session revoked');
      return;
    }
    this.deliver(connections, event);
  }

  private onAudienceEvent(event: BusEvent): void {
    if (event.type !== 'presence' && event.type !== 'presence.resource' && event.type !== 'user.updated') return;
    const frameOf = lazyFrame(event);
    for (const userId of event.audience) {
      const entry = this.userTopics.get(userId);
      if (entry) this.deliver(entry.connections, event, frameOf);
    }
  }
}
