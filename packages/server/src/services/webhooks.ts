/**
 * Outgoing webhooks (docs/bots.md): a bot, or its owner, subscribes a URL to event
 * types, optionally for some of the bot's conversations. The dispatcher (a durable
 * consumer, ADR 0011) hands committed conversation entries to `consume`, which, in the
 * dispatcher's transaction, writes one delivery and one job per matching subscription
 * (the bot must still be a member, and its own actions are not sent back to it). The
 * job runner then calls `deliver` (services/webhook-delivery.ts) until the receiver
 * takes it, gives up after the retry schedule, or the receiver answers 410. Owners list
 * deliveries and every attempt, and ask for a redelivery.
 */
import { createHash } from 'node:crypto';
import {
  MAX_WEBHOOKS_PER_BOT,
  type CreateWebhookBody,
  type Interaction,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookSubscription,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { classifyEntry } from '../domain/webhook-events';
import type { EventConsumer } from '../ports/jobs';
import type { OutboundHttp } from '../ports/outbound-http';
import type { OutboxRecord, Store } from '../ports/store';
import type { WebhookAttemptRecord, WebhookDeliveryRecord, WebhookSubscriptionRecord } from '../ports/webhook-records';
import type { AuthContext } from './accounts';
import type { BotService } from './bots';
import type { ServiceDeps } from './deps';
import { checkTargetUrl, newSigningSecret } from './outbound-targets';

export const WEBHOOK_JOB = 'webhook.delivery';

/** The job's input: which delivery, and its attempt count when this round of tries began. */
export interface WebhookJobPayload {
  deliveryId: string;
  roundStart: number;
}

export function toSubscription(record: WebhookSubscriptionRecord): WebhookSubscription {
  return {
    id: record.id,
    botId: record.botId,
    url: record.url,
    eventTypes: record.eventTypes as WebhookEventType[],
    conversationIds: record.conversationIds,
    enabled: record.enabled,
    disabledReason: record.disabledReason,
    createdAt: record.createdAt,
  };
}

function toDelivery(record: WebhookDeliveryRecord): WebhookDelivery {
  return {
    id: record.id,
    subscriptionId: record.subscriptionId,
    eventType: record.eventType as WebhookEventType,
    status: record.status,
    attempts: record.attempts,
    createdAt: record.createdAt,
    nextAttemptAt: record.nextAttemptAt,
  };
}

function toAttempt(record: WebhookAttemptRecord): WebhookAttempt {
  return {
    id: record.id,
    deliveryId: record.deliveryId,
    attempt: record.attempt,
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    statusCode: record.statusCode,
    error: record.error,
    response: record.response,
  };
}

/** The webhook-id of one event for one subscription: stable, so a repeat of the dispatch could not send two. */
function deliveryId(eventId: string, subscriptionId: string, type: string): string {
  return `msg_${createHash('sha256').update(`${eventId}|${subscriptionId}|${type}`).digest('base64url').slice(0, 27)}`;
}

export class WebhookService implements EventConsumer {
  readonly name = 'webhooks';

  constructor(
    private readonly deps: ServiceDeps,
    private readonly bots: BotService,
    private readonly outbound: OutboundHttp & { checkHost?(host: string): Promise<unknown> },
  ) {}

  /** The bot's subscription, for its owner or the bot itself; `not_found` for anyone else. */
  private async owned(auth: AuthContext, id: string): Promise<WebhookSubscriptionRecord> {
    const record = await this.deps.store.getWebhookSubscription(id);
    if (!record) throw new AppError('not_found', 'No such webhook.');
    await this.bots.manageable(auth, record.botId, true).catch(() => {
      throw new AppError('not_found', 'No such webhook.');
    });
    return record;
  }

  /**
   * Subscribes a bot's URL (by the bot or its owner). With conversations, the bot must
   * be a member of each; without, it gets events of every conversation it is in.
   * The signing secret is in this answer only.
   */
  async createSubscription(
    auth: AuthContext,
    input: CreateWebhookBody,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const bot = await this.bots.manageable(auth, input.botId, true);
    const url = await checkTargetUrl(input.url, this.outbound);
    for (const conversationId of input.conversationIds ?? []) {
      if (!(await this.deps.store.getMember(conversationId, bot.id))) {
        throw new AppError('not_member', 'The bot is not a member of this conversation.', {
          details: { conversationId },
        });
      }
    }
    const existing = await this.deps.store.listWebhookSubscriptions(bot.id);
    if (existing.length >= MAX_WEBHOOKS_PER_BOT) {
      throw new AppError('limit_reached', `A bot has at most ${MAX_WEBHOOKS_PER_BOT} webhooks.`, {
        details: { limit: MAX_WEBHOOKS_PER_BOT },
      });
    }
    const now = this.deps.clock.now();
    const secret = newSigningSecret();
    const record: WebhookSubscriptionRecord = {
      id: newId('wh', now),
      botId: bot.id,
      url,
      secret,
      eventTypes: [...input.eventTypes],
      conversationIds: input.conversationIds ? [...input.conversationIds] : null,
      enabled: true,
      disabledReason: null,
      createdBy: auth.user.id,
      createdAt: now,
    };
    await this.deps.store.createWebhookSubscription(record);
    return { subscription: toSubscription(record), secret };
  }

  async listSubscriptions(auth: AuthContext, botId: string): Promise<WebhookSubscription[]> {
    const bot = await this.bots.manageable(auth, botId, true);
    return (await this.deps.store.listWebhookSubscriptions(bot.id)).map(toSubscription);
  }

  async getSubscription(auth: AuthContext, id: string): Promise<WebhookSubscription> {
    return toSubscription(await this.owned(auth, id));
  }

  async deleteSubscription(auth: AuthContext, id: string): Promise<void> {
    const record = await this.owned(auth, id);
    await this.deps.store.deleteWebhookSubscription(record.id);
  }

  async listDeliveries(auth: AuthContext, id: string, limit = 100): Promise<WebhookDelivery[]> {
    const record = await this.owned(auth, id);
    return (await this.deps.store.listWebhookDeliveries(record.id, limit)).map(toDelivery);
  }

  async listAttempts(
    auth: AuthContext,
    id: string,
    options: { deliveryId?: string; limit?: number },
  ): Promise<WebhookAttempt[]> {
    const record = await this.owned(auth, id);
    const query = { limit: options.limit ?? 100, ...(options.deliveryId ? { deliveryId: options.deliveryId } : {}) };
    return (await this.deps.store.listWebhookAttempts(record.id, query)).map(toAttempt);
  }

  /**
   * Sends a delivery again (same webhook-id and body, new signature), with a fresh
   * retry schedule; a delivery still being retried is left as it is.
   */
  async redeliver(auth: AuthContext, id: string, deliveryIdToSend: string): Promise<WebhookDelivery> {
    const subscription = await this.owned(auth, id);
    const delivery = await this.deps.store.getWebhookDelivery(deliveryIdToSend);
    if (!delivery || delivery.subscriptionId !== subscription.id) throw new AppError('not_found', 'No such delivery.');
    if (!subscription.enabled) {
      throw new AppError(
        'invalid_operation',
        'This webhook is disabled (its receiver answered 410): create a new one.',
      );
    }
    if (delivery.status === 'pending') return toDelivery(delivery);
    const now = this.deps.clock.now();
    const updated = { ...delivery, status: 'pending' as const, nextAttemptAt: now };
    await this.deps.store.transaction(async (tx) => {
      await tx.updateWebhookDelivery(delivery.id, updated);
      const payload: WebhookJobPayload = { deliveryId: delivery.id, roundStart: delivery.attempts };
      await tx.enqueueJob({ id: newId('j', now), kind: WEBHOOK_JOB, payload, dueAt: now, createdAt: now });
    });
    return toDelivery(updated);
  }

  /**
   * Forgets finished deliveries (and their attempts) older than the retention
   * (PARLEY_WEBHOOK_RETENTION_DAYS), in bounded batches; pending ones stay.
   */
  async prune(retentionMs: number): Promise<number> {
    const before = this.deps.clock.now() - retentionMs;
    let total = 0;
    for (let batch = 0; batch < 100; batch += 1) {
      const removed = await this.deps.store.pruneWebhookDeliveries(before, 500);
      total += removed;
      if (removed < 500) break;
    }
    return total;
  }

  /**
   * Inside the transaction that creates an interaction (ADR 0018): one delivery of
   * `interaction.created` to each enabled webhook of the bot that subscribed to it (and to
   * the conversation). Sent by the job runner like every delivery, signed the same way.
   */
  async enqueueInteraction(tx: Store, interaction: Interaction): Promise<number> {
    const subscriptions = (await tx.listWebhookSubscriptions(interaction.botId)).filter(
      (s) =>
        s.enabled &&
        s.eventTypes.includes('interaction.created') &&
        (!s.conversationIds || s.conversationIds.includes(interaction.conversationId)),
    );
    const now = this.deps.clock.now();
    for (const subscription of subscriptions) {
      const id = deliveryId(interaction.id, subscription.id, 'interaction.created');
      const payload = JSON.stringify({
        type: 'interaction.created',
        timestamp: new Date(interaction.createdAt).toISOString(),
        data: { conversationId: interaction.conversationId, botId: interaction.botId, interaction },
      });
      await tx.createWebhookDelivery({
        id,
        subscriptionId: subscription.id,
        eventType: 'interaction.created',
        payload,
        status: 'pending',
        attempts: 0,
        createdAt: now,
        nextAttemptAt: now,
      });
      const job: WebhookJobPayload = { deliveryId: id, roundStart: 0 };
      await tx.enqueueJob({ id: newId('j', now), kind: WEBHOOK_JOB, payload: job, dueAt: now, createdAt: now });
    }
    return subscriptions.length;
  }

  /**
   * The durable consumer (ADR 0011), inside the dispatcher's transaction: one delivery
   * and one job per (entry, matching subscription, event type). Reads the enabled
   * subscriptions once per batch, and each (conversation, bot) membership once.
   * Returns the number of jobs written.
   */
  async consume(events: readonly OutboxRecord[], tx: Store): Promise<number> {
    const entries = events.flatMap((record) =>
      record.event.type === 'message.new' ? [{ id: record.id, message: record.event.message }] : [],
    );
    if (entries.length === 0) return 0;
    const subscriptions = await tx.listEnabledWebhookSubscriptions();
    if (subscriptions.length === 0) return 0;
    let jobs = 0;
    const membership = new Map<string, boolean>();
    const isMember = async (conversationId: string, botId: string): Promise<boolean> => {
      const key = `${conversationId} ${botId}`;
      let known = membership.get(key);
      if (known === undefined) {
        known = (await tx.getMember(conversationId, botId)) !== undefined;
        membership.set(key, known);
      }
      return known;
    };
    const now = this.deps.clock.now();
    for (const { id: eventId, message } of entries) {
      const { types, mentioned, members } = classifyEntry(message);
      if (types.length === 0) continue;
      for (const subscription of subscriptions) {
        if (message.senderId === subscription.botId) continue; // never the bot's own actions
        if (subscription.conversationIds && !subscription.conversationIds.includes(message.conversationId)) continue;
        const wanted = types.filter(
          (type) =>
            subscription.eventTypes.includes(type) &&
            (type !== 'message.mentioned' || mentioned.includes(subscription.botId)),
        );
        if (wanted.length === 0) continue;
        // A bot that left hears it left; otherwise only members hear anything.
        const leaving = wanted.includes('member.left') && members.includes(subscription.botId);
        if (!leaving && !(await isMember(message.conversationId, subscription.botId))) continue;
        for (const type of wanted) {
          const id = deliveryId(eventId, subscription.id, type);
          const payload = JSON.stringify({
            type,
            timestamp: new Date(message.createdAt).toISOString(),
            data: { conversationId: message.conversationId, botId: subscription.botId, message },
          });
          await tx.createWebhookDelivery({
            id,
            subscriptionId: subscription.id,
            eventType: type,
            payload,
            status: 'pending',
            attempts: 0,
            createdAt: now,
            nextAttemptAt: now,
          });
          const job: WebhookJobPayload = { deliveryId: id, roundStart: 0 };
          await tx.enqueueJob({ id: newId('j', now), kind: WEBHOOK_JOB, payload: job, dueAt: now, createdAt: now });
          jobs += 1;
        }
      }
    }
    return jobs;
  }
}
