/**
 * What Web Push keeps (migrations 0023, 0034): each device's push subscription, owned
 * by a session (it goes with the session), the users' do-not-disturb time and quiet hours,
 * the conversation each device shows (its focus), the recipients of a conversation's
 * pushes as one read (the dispatcher's consumer runs it once per message, inside its
 * transaction), and the latest push decisions of each user, kept bounded.
 */
import type { NotifyLevel, PushDecisionReason, PushDelivery } from '@parley/protocol';
import type { QuietWindow } from '../domain/quiet-hours';

export interface PushSubscriptionRecord {
  id: string;
  userId: string;
  sessionId: string;
  /** The push service URL (RFC 8030 push resource). */
  endpoint: string;
  /** The device's P-256 public key and auth secret, base64url (RFC 8291). */
  p256dh: string;
  auth: string;
  createdAt: number;
}

/** A subscription of a member of a conversation, with what decides whether it gets a push. */
export interface PushRecipient {
  subscription: PushSubscriptionRecord;
  notifyLevel: NotifyLevel;
  /** No pushes before then (null: none set). */
  dndUntil: number | null;
  quietHours: QuietWindow | null;
}

/** One decision about one device and one message (or a test push). */
export interface PushDecisionRecord {
  /** The push job's id when a push was sent (its delivery updates the row). */
  id: string;
  userId: string;
  subscriptionId: string;
  conversationId: string | null;
  messageId: string | null;
  at: number;
  reason: PushDecisionReason;
  delivery: PushDelivery | null;
}

export interface PushRecords {
  /**
   * Stores a subscription; one with the same endpoint (the browser subscribed again,
   * perhaps under another session) is replaced. Returns what is stored.
   */
  upsertPushSubscription(record: PushSubscriptionRecord): Promise<PushSubscriptionRecord>;
  getPushSubscription(id: string): Promise<PushSubscriptionRecord | undefined>;
  listPushSubscriptionsOfUser(userId: string): Promise<PushSubscriptionRecord[]>;
  countPushSubscriptionsOfSession(sessionId: string): Promise<number>;
  /** Deletes it (only the owner's when `userId` is given); false when there was none. */
  deletePushSubscription(id: string, userId?: string): Promise<boolean>;
  /** Every subscription of the conversation's members but `exceptUserId`, with their level, DND and quiet hours. */
  listPushRecipients(conversationId: string, exceptUserId: string): Promise<PushRecipient[]>;
  getDoNotDisturb(userId: string): Promise<number | null>;
  setDoNotDisturb(userId: string, until: number | null): Promise<void>;
  getQuietHours(userId: string): Promise<QuietWindow | null>;
  setQuietHours(userId: string, window: QuietWindow | null): Promise<void>;
  /** The device (session) shows this conversation until `expiresAt`, as `connectionId` reported. */
  setDeviceFocus(focus: {
    sessionId: string;
    userId: string;
    conversationId: string;
    connectionId: string;
    expiresAt: number;
  }): Promise<void>;
  /** Clears the session's focus; only the one `connectionId` set, when given. */
  clearDeviceFocus(sessionId: string, connectionId?: string): Promise<void>;
  /** Users with a device whose focus on the conversation is live at `now`. */
  listFocusedUsers(conversationId: string, now: number): Promise<string[]>;
  /** Stores decisions, then keeps only the newest `keepPerUser` of each user concerned. */
  recordPushDecisions(decisions: readonly PushDecisionRecord[], keepPerUser: number): Promise<void>;
  /** What became of a sent push (no-op when its decision was pruned). */
  setPushDelivery(decisionId: string, delivery: PushDelivery): Promise<void>;
  /** The user's decisions, newest first. */
  listPushDecisions(userId: string, limit: number): Promise<PushDecisionRecord[]>;
  /**
   * Writes a server setting only when it has no value yet, and returns the value that is
   * stored (this one, or the one another node wrote first): for values generated once.
   */
  initServerSetting(key: string, value: unknown, at: number): Promise<unknown>;
}
