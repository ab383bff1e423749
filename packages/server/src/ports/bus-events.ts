/**
 * Events that travel on the bus. Each is small, JSON-serialisable, carries a
 * version (`v`) so that nodes of different releases can share a cluster, and an
 * `id` that receivers use to drop repeats: the outbox relay may publish an event
 * again (a retry after a bus error, or a takeover of a dead node's events), always
 * under the same id. Services write an `EventBody`; whoever publishes it (the
 * outbox, or the ephemeral path for typing and presence) gives it its id.
 */
import type {
  Conversation,
  Message,
  NotifyLevel,
  Presence,
  PrivacySettings,
  ReceiptKind,
  Report,
  User,
} from '@parley/protocol';
import type { DeviceState } from './presence';

export type EventBody =
  | { v: 1; type: 'message.new'; message: Message }
  | { v: 1; type: 'conversation.updated'; conversation: Conversation }
  | { v: 1; type: 'conversation.removed'; conversationId: string; userId: string }
  /**
   * Typing and receipts carry the ids of members who must not get them (blocks either way with
   * the user), worked out by the service from the blocks table: the hub skips those users'
   * connections without reading anything.
   */
  | {
      v: 1;
      type: 'typing';
      conversationId: string;
      userId: string;
      typing: boolean;
      expiresInMs: number;
      exceptUserIds?: string[];
    }
  | {
      v: 1;
      type: 'receipt';
      conversationId: string;
      userId: string;
      kind: ReceiptKind;
      seq: number;
      exceptUserIds?: string[];
    }
  | { v: 1; type: 'presence'; presence: Presence; audience: string[] }
  | { v: 1; type: 'user.updated'; user: User; audience: string[] }
  /** On the device topic of the revoked session: its sockets close on whichever node they are. */
  | { v: 1; type: 'session.revoked'; userId: string; sessionId: string }
  /** The owner blocked or unblocked someone (on the owner's user topic, for their other devices). */
  | { v: 1; type: 'block.updated'; ownerId: string; userId: string; blocked: boolean }
  /** The user changed their privacy settings (on their user topic, for their other devices). */
  | { v: 1; type: 'privacy.updated'; userId: string; privacy: PrivacySettings }
  /** Published on the user topics of both the owner and the contact. */
  | { v: 1; type: 'contacts.changed'; ownerId: string; contactId: string; added: boolean }
  /** A presence subscription request (XMPP) made, denied or withdrawn; on both users' topics. */
  | {
      v: 1;
      type: 'subscription.changed';
      requesterId: string;
      targetId: string;
      state: 'requested' | 'denied' | 'cancelled';
    }
  /** A member's own settings changed (published on their user topic, for their other devices). */
  | {
      v: 1;
      type: 'member.updated';
      userId: string;
      conversationId: string;
      notifyLevel?: NotifyLevel;
      markedUnread?: boolean;
      thread?: { threadId: string; readSeq: number };
    }
  /** A member's room nickname (XEP-0045) changed, `before` and `after` as shown (username when none). */
  | { v: 1; type: 'room.nick'; conversationId: string; userId: string; before: string; after: string }
  /** A report, published on the user topic of each moderator, admin and owner. */
  | { v: 1; type: 'report.new'; report: Report }
  /**
   * The shared presence registry (topic `nodes`): one node's device changes, in the
   * node's order (`version` counts them); a snapshot replaces what others hold for
   * the node, sent in chunks (`chunk` of `chunks`, the version applies after the last).
   */
  | {
      v: 1;
      type: 'node.devices';
      nodeId: string;
      version: number;
      put: DeviceState[];
      removed: string[];
      snapshot?: { chunk: number; chunks: number };
    }
  /** A node is alive, at this version of its devices. */
  | { v: 1; type: 'node.heartbeat'; nodeId: string; version: number }
  /** A node (new, or back from a bus gap) asks these nodes (every one when empty) for a snapshot. */
  | { v: 1; type: 'node.hello'; nodeId: string; want: string[] }
  /** A node stops on purpose: its devices are gone (it announced their users itself). */
  | { v: 1; type: 'node.leaving'; nodeId: string };

/** An event as it travels: its body and the id under which it is published, every time. */
export type BusEvent = EventBody & { id: string };

export type BusEventType = BusEvent['type'];
