/**
 * What Web Push keeps (migration 0023): each device's push subscription, owned by a
 * session (it goes with the session), the users' do-not-disturb time, and the
 * recipients of a conversation's pushes as one read (the dispatcher's consumer runs it
 * once per message, inside its transaction).
 */
import type { NotifyLevel } from '@parley/protocol';

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
  /** Every subscription of the conversation's members but `exceptUserId`, with their level and DND. */
  listPushRecipients(conversationId: string, exceptUserId: string): Promise<PushRecipient[]>;
  getDoNotDisturb(userId: string): Promise<number | null>;
  setDoNotDisturb(userId: string, until: number | null): Promise<void>;
  /**
   * Writes a server setting only when it has no value yet, and returns the value that is
   * stored (this one, or the one another node wrote first): for values generated once.
   */
  initServerSetting(key: string, value: unknown, at: number): Promise<unknown>;
}
