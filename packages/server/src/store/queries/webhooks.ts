/** Webhook subscriptions, deliveries, attempts and incoming webhooks (0017), and the bots of an owner. */
import type { Kysely, Selectable } from 'kysely';
import type {
  DeliveryStatus,
  IncomingWebhookRecord,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookSubscriptionRecord,
} from '../../ports/webhook-records';
import type { UserRecord } from '../../ports/store';
import type {
  Database,
  IncomingWebhooksTable,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookSubscriptionsTable,
} from '../db-schema';
import { toUser } from '../rows';

type Db = Kysely<Database>;

function toSubscription(row: Selectable<WebhookSubscriptionsTable>): WebhookSubscriptionRecord {
  return {
    id: row.id,
    botId: row.bot_id,
    url: row.url,
    secret: row.secret,
    eventTypes: JSON.parse(row.event_types) as string[],
    conversationIds: row.conversation_ids === null ? null : (JSON.parse(row.conversation_ids) as string[]),
    enabled: Number(row.enabled) === 1,
    disabledReason: row.disabled_reason,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventType: row.event_type,
    payload: row.payload,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
    nextAttemptAt: row.next_attempt_at === null ? null : Number(row.next_attempt_at),
  };
}

function toAttempt(row: Selectable<WebhookAttemptsTable>): WebhookAttemptRecord {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    subscriptionId: row.subscription_id,
    attempt: Number(row.attempt),
    startedAt: Number(row.started_at),
    durationMs: Number(row.duration_ms),
    statusCode: row.status_code === null ? null : Number(row.status_code),
    error: row.error,
    response: row.response,
  };
}

function toIncoming(row: Selectable<IncomingWebhooksTable>): IncomingWebhookRecord {
  return {
    id: row.id,
    botId: row.bot_id,
    conversationId: row.conversation_id,
    tokenHash: row.token_hash,
    name: row.name,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

export async function createWebhookSubscription(db: Db, r: WebhookSubscriptionRecord): Promise<void> {
  await db
    .insertInto('webhook_subscriptions')
    .values({
      id: r.id,
      bot_id: r.botId,
      url: r.url,
      secret: r.secret,
      event_types: JSON.stringify(r.eventTypes),
      conversation_ids: r.conversationIds === null ? null : JSON.stringify(r.conversationIds),
      enabled: r.enabled ? 1 : 0,
      disabled_reason: r.disabledReason,
      created_by: r.createdBy,
      created_at: r.createdAt,
    })
    .execute();
}

export async function getWebhookSubscription(db: Db, id: string): Promise<WebhookSubscriptionRecord | undefined> {
  const row = await db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSubscription(row);
}

export async function listWebhookSubscriptions(db: Db, botId: string): Promise<WebhookSubscriptionRecord[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('bot_id', '=', botId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toSubscription);
}

export async function listEnabledWebhookSubscriptions(db: Db): Promise<WebhookSubscriptionRecord[]> {
  const rows = await db.selectFrom('webhook_subscriptions').selectAll().where('enabled', '=', 1).execute();
  return rows.map(toSubscription);
}

export async function disableWebhookSubscription(db: Db, id: string, reason: string): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set({ enabled: 0, disabled_reason: reason })
    .where('id', '=', id)
    .execute();
}

export async function deleteWebhookSubscription(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom('webhook_attempts').where('subscription_id', '=', id).execute();
  await db.deleteFrom('webhook_deliveries').where('subscription_id', '=', id).execute();
  const result = await db.deleteFrom('webhook_subscriptions').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function createWebhookDelivery(db: Db, r: WebhookDeliveryRecord): Promise<void> {
  await db
    .insertInto('webhook_deliveries')
    .values({
      id: r.id,
      subscription_id: r.subscriptionId,
      event_type: r.eventType,
      payload: r.payload,
      status: r.status,
      attempts: r.attempts,
      created_at: r.createdAt,
      next_attempt_at: r.nextAttemptAt,
    })
    .execute();
}

export async function getWebhookDelivery(db: Db, id: string): Promise<WebhookDeliveryRecord | undefined> {
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toDelivery(row);
}

export async function updateWebhookDelivery(
  db: Db,
  id: string,
  patch: { status: DeliveryStatus; attempts: number; nextAttemptAt: number | null },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: patch.status, attempts: patch.attempts, next_attempt_at: patch.nextAttemptAt })
    .where('id', '=', id)
    .execute();
}

export async function listWebhookDeliveries(
  db: Db,
  subscriptionId: string,
  limit: number,
): Promise<WebhookDeliveryRecord[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

export async function pruneWebhookDeliveries(db: Db, createdBefore: number, limit: number): Promise<number> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('created_at', '<', createdBefore)
    .where('status', '!=', 'pending')
    .orderBy('created_at')
    .limit(limit)
    .execute();
  const ids = rows.map((row) => row.id);
  if (ids.length === 0) return 0;
  await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', ids).execute();
  await db.deleteFrom('webhook_deliveries').where('id', 'in', ids).execute();
  return ids.length;
}

export async function addWebhookAttempt(db: Db, r: WebhookAttemptRecord): Promise<void> {
  await db
    .insertInto('webhook_attempts')
    .values({
      id: r.id,
      delivery_id: r.deliveryId,
      subscription_id: r.subscriptionId,
      attempt: r.attempt,
      started_at: r.startedAt,
      duration_ms: r.durationMs,
      status_code: r.statusCode,
      error: r.error,
      response: r.response,
    })
    .execute();
}

export async function listWebhookAttempts(
  db: Db,
  subscriptionId: string,
  options: { deliveryId?: string; limit: number },
): Promise<WebhookAttemptRecord[]> {
  let query = db.selectFrom('webhook_attempts').selectAll().where('subscription_id', '=', subscriptionId);
  if (options.deliveryId !== undefined) query = query.where('delivery_id', '=', options.deliveryId);
  const rows = await query.orderBy('started_at').orderBy('id').limit(options.limit).execute();
  return rows.map(toAttempt);
}

export async function createIncomingWebhook(db: Db, r: IncomingWebhookRecord): Promise<void> {
  await db
    .insertInto('incoming_webhooks')
    .values({
      id: r.id,
      bot_id: r.botId,
      conversation_id: r.conversationId,
      token_hash: r.tokenHash,
      name: r.name,
      created_by: r.createdBy,
      created_at: r.createdAt,
    })
    .execute();
}

export async function getIncomingWebhookByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<IncomingWebhookRecord | undefined> {
  const row = await db
    .selectFrom('incoming_webhooks')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && toIncoming(row);
}

export async function getIncomingWebhook(db: Db, id: string): Promise<IncomingWebhookRecord | undefined> {
  const row = await db.selectFrom('incoming_webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toIncoming(row);
}

export async function listIncomingWebhooks(db: Db, botId: string): Promise<IncomingWebhookRecord[]> {
  const rows = await db
    .selectFrom('incoming_webhooks')
    .selectAll()
    .where('bot_id', '=', botId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toIncoming);
}

export async function deleteIncomingWebhook(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('incoming_webhooks').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listBotsOwnedBy(db: Db, ownerId: string): Promise<UserRecord[]> {
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .where('bot', '=', 1)
    .orderBy('username')
    .execute();
  return rows.map(toUser);
}
