/**
 * Events that travel on the bus. Each is small, JSON-serialisable and carries a
 * version (`v`) so that nodes of different releases can share a cluster.
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

export type BusEvent =
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
  | { v: 1; type: 'session.revoked'; userId: string; sessionIds: string[] }
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
  /** A report, published on the user topic of each moderator, admin and owner. */
  | { v: 1; type: 'report.new'; report: Report };

export type BusEventType = BusEvent['type'];
