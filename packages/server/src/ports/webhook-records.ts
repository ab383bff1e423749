/**
 * What the store keeps about outgoing and incoming webhooks (0017). Secrets of
 * incoming webhooks are stored hashed; a subscription's signing secret is stored as
 * given because signing needs it, and no read path returns it to a client.
 */
import type { UserRecord } from './store';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookSubscriptionRecord {
  id: string;
  botId: string;
  url: string;
  /** `whsec_...` (Standard Webhooks); never leaves the server after creation. */
  secret: string;
  eventTypes: string[];
  /** null: every conversation the bot is a member of. */
  conversationIds: string[] | null;
  enabled: boolean;
  disabledReason: string | null;
  createdBy: string;
  createdAt: number;
}

export interface WebhookDeliveryRecord {
  /** The `webhook-id` header: the same on every attempt (receivers drop repeats by it). */
  id: string;
  subscriptionId: string;
  eventType: string;
  /** The JSON body sent, exactly. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number | null;
}

export interface WebhookAttemptRecord {
  id: string;
  deliveryId: string;
  subscriptionId: string;
  /** 1 for the first try. */
  attempt: number;
  startedAt: number;
  durationMs: number;
  /** null: no HTTP answer (timeout, refused, network). */
  statusCode: number | null;
  error: string | null;
  /** The start of the response body, bounded. */
  response: string | null;
}

export interface IncomingWebhookRecord {
  id: string;
  botId: string;
  conversationId: string;
  tokenHash: string;
  name: string;
  createdBy: string;
  createdAt: number;
}

export interface WebhookRecords {
  createWebhookSubscription(record: WebhookSubscriptionRecord): Promise<void>;
  getWebhookSubscription(id: string): Promise<WebhookSubscriptionRecord | undefined>;
  /** A bot's subscriptions, oldest first. */
  listWebhookSubscriptions(botId: string): Promise<WebhookSubscriptionRecord[]>;
  /** Every enabled subscription (the dispatcher matches events against them). */
  listEnabledWebhookSubscriptions(): Promise<WebhookSubscriptionRecord[]>;
  /** Turns a subscription off (a 410 from its receiver) with the reason shown to its owner. */
  disableWebhookSubscription(id: string, reason: string): Promise<void>;
  /** Deletes the subscription with its deliveries and attempts. */
  deleteWebhookSubscription(id: string): Promise<boolean>;

  createWebhookDelivery(record: WebhookDeliveryRecord): Promise<void>;
  getWebhookDelivery(id: string): Promise<WebhookDeliveryRecord | undefined>;
  updateWebhookDelivery(
    id: string,
    patch: { status: WebhookDeliveryRecord['status']; attempts: number; nextAttemptAt: number | null },
  ): Promise<void>;
  /** Newest first. */
  listWebhookDeliveries(subscriptionId: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  addWebhookAttempt(record: WebhookAttemptRecord): Promise<void>;
  /** Deletes finished deliveries (and their attempts) created before `createdBefore`; returns how many. */
  pruneWebhookDeliveries(createdBefore: number, limit: number): Promise<number>;
  /** Oldest first; only one delivery's when `deliveryId` is given. */
  listWebhookAttempts(
    subscriptionId: string,
    options: { deliveryId?: string; limit: number },
  ): Promise<WebhookAttemptRecord[]>;

  createIncomingWebhook(record: IncomingWebhookRecord): Promise<void>;
  getIncomingWebhookByTokenHash(tokenHash: string): Promise<IncomingWebhookRecord | undefined>;
  getIncomingWebhook(id: string): Promise<IncomingWebhookRecord | undefined>;
  listIncomingWebhooks(botId: string): Promise<IncomingWebhookRecord[]>;
  deleteIncomingWebhook(id: string): Promise<boolean>;

  /** Bots whose owner is `ownerId`, by username. */
  listBotsOwnedBy(ownerId: string): Promise<UserRecord[]>;
}
