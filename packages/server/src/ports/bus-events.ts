/**
 * Events that travel on the bus. Each is small, JSON-serialisable, carries a
 * version (`v`) so that nodes of different releases can share a cluster, and an
 * `id` that receivers use to drop repeats: the outbox relay may publish an event
 * again (a retry after a bus error, or a takeover of a dead node's events), always
 * under the same id. Services write an `EventBody`; whoever publishes it (the
 * outbox, or the ephemeral path for typing and presence) gives it its id.
 */
import type {
  Call,
  CallSignal,
  GroupCallParticipant,
  Interaction,
  InteractionUpdate,
  Contact,
  Conversation,
  Message,
  NotifyLevel,
  Presence,
  PrivacySettings,
  ReceiptKind,
  Report,
  SettablePresence,
  User,
} from '@parley/protocol';
import type { DeviceState } from './presence';

/**
 * Where a message came from and went to, below the user: the sender device's resource
 * (its XMPP resource, or a native device's session-derived one) and, for a message an
 * XMPP client addressed to a full JID, the recipient's resource. Live delivery only:
 * the stored message does not keep it (history and MAM name bare JIDs).
 */
export interface MessageRoute {
  /** The sender device's resource. */
  resource: string;
  /** The recipient resource the message was addressed to (RFC 6121 8.5.3), if any. */
  to?: string;
}

/** One device as XMPP peers see it: its resource, status (offline when it left), priority, text. */
export interface ResourcePresence {
  resource: string;
  status: SettablePresence | 'offline';
  priority: number;
  /** Its own status text; absent: the user's profile status text. */
  statusText?: string;
}

export type EventBody =
  | { v: 1; type: 'message.new'; message: Message; route?: MessageRoute }
  | { v: 1; type: 'conversation.updated'; conversation: Conversation }
  | { v: 1; type: 'conversation.removed'; conversationId: string; userId: string }
  /** The conversation was deleted for everyone (ADR 0020): on its own topic, so every member's devices hear it. */
  | { v: 1; type: 'conversation.deleted'; conversationId: string }
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
  /**
   * A user's aggregated presence. `byDevice`: caused by one device's change, which a
   * `presence.resource` event already told the same audience (XMPP uses that one).
   */
  | { v: 1; type: 'presence'; presence: Presence; audience: string[]; byDevice?: true }
  /** One device's presence (an XMPP resource's, or a native device's), for XMPP peers (RFC 6121 4). */
  | { v: 1; type: 'presence.resource'; userId: string; device: ResourcePresence; audience: string[] }
  | { v: 1; type: 'user.updated'; user: User; audience: string[] }
  /** On the device topic of the revoked session: its sockets close on whichever node they are. */
  | { v: 1; type: 'session.revoked'; userId: string; sessionId: string }
  /** The owner blocked or unblocked someone (on the owner's user topic, for their other devices). */
  | { v: 1; type: 'block.updated'; ownerId: string; userId: string; blocked: boolean }
  /** The user changed their privacy settings (on their user topic, for their other devices). */
  | { v: 1; type: 'privacy.updated'; userId: string; privacy: PrivacySettings }
  /** The owner added a contact or changed its details (on the owner's user topic, for every device). */
  | { v: 1; type: 'contact.updated'; ownerId: string; contact: Contact }
  /** The owner removed a contact (on the owner's user topic). */
  | { v: 1; type: 'contact.removed'; ownerId: string; userId: string }
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
      /** The conversation's place in the member's favourites (null: no longer a favourite). */
      favouritePosition?: number | null;
      markedUnread?: boolean;
      thread?: { threadId: string; readSeq: number };
    }
  /** A member's room nickname (XEP-0045) changed, `before` and `after` as shown (username when none). */
  | { v: 1; type: 'room.nick'; conversationId: string; userId: string; before: string; after: string }
  /** A call changed: on the user topics of the caller and the callee (every device of both). */
  | { v: 1; type: 'call.updated'; call: Call }
  /** A signal from one device in a call to the other: on that device's topic only (ephemeral). */
  | { v: 1; type: 'call.signal'; callId: string; fromUserId: string; signal: CallSignal }
  /** A group call changed (joined, left, media): on the conversation topic (ephemeral, like typing). */
  | {
      v: 1;
      type: 'group_call.updated';
      conversationId: string;
      change: 'joined' | 'left' | 'media';
      participant: GroupCallParticipant;
      participants: GroupCallParticipant[];
    }
  /** To the bot's user topic: someone invoked its command or clicked its component (ADR 0018). */
  | { v: 1; type: 'interaction.new'; interaction: Interaction }
  /** To the invoking user's topic: the bot deferred, answered (ephemerally, for them alone) or timed out. */
  | { v: 1; type: 'interaction.updated'; update: InteractionUpdate }
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

/**
 * Events that durable consumers (webhooks now, pushes later) read besides the bus: their
 * outbox row stays until the dispatcher has turned them into jobs (ADR 0011). Decided by
 * type alone, so a write never looks up subscriptions: message entries (new messages,
 * edits, deletions, reactions, membership changes) are the ones.
 */
export function isDispatched(body: EventBody): boolean {
  return body.type === 'message.new';
}
