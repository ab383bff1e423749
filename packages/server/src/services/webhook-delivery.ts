/**
 * Sends one webhook delivery (a job of the durable queue): signs it with the Standard
 * Webhooks scheme (`webhook-id`, the same on every attempt; `webhook-timestamp`;
 * `webhook-signature`, HMAC-SHA256 with the subscription's secret), posts it through
 * the outbound port (SSRF-safe, bounded in time and size), records the attempt, and
 * decides: a 2xx is delivered; 410 disables the subscription; anything else (a
 * timeout, a network error, 5xx, 429, other statuses) is retried with exponential
 * backoff and jitter, honouring `Retry-After`, until the schedule's last attempt
 * (about a day with the defaults). A malformed URL is not retried.
 */
import { Webhook } from 'standardwebhooks';
import { newId } from '../domain/ids';
import type { JobHandler, JobOutcome, JobRecord } from '../ports/jobs';
import { OutboundError, type OutboundHttp } from '../ports/outbound-http';
import type { ServiceDeps } from './deps';
import { WEBHOOK_JOB, type WebhookJobPayload } from './webhooks';

export interface WebhookRetryPolicy {
  /** The wait after the first failed attempt; doubled after each further one. */
  baseMs: number;
  /** No wait is longer (Retry-After included). */
  maxDelayMs: number;
  /** Attempts in one round (the first send and its retries); then the delivery fails. */
  maxAttempts: number;
  /** Each wait is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

export interface WebhookDeliveryOptions {
  timeoutMs: number;
  retry: WebhookRetryPolicy;
}

/** The response text kept with an attempt. */
export const ATTEMPT_SNIPPET_BYTES = 1024;

/** The wait before attempt `attempt + 1` after `attempt` failed (1-based), before jitter. */
export function backoffMs(policy: WebhookRetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class WebhookDeliveryHandler implements JobHandler {
  readonly kind = WEBHOOK_JOB;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly outbound: OutboundHttp,
    private readonly options: WebhookDeliveryOptions,
    private readonly random: () => number = Math.random,
  ) {}

  async run(job: JobRecord): Promise<JobOutcome> {
    const { deliveryId, roundStart } = job.payload as WebhookJobPayload;
    const { store, clock } = this.deps;
    const delivery = await store.getWebhookDelivery(deliveryId);
    if (!delivery || delivery.status !== 'pending') return { done: true };
    const subscription = await store.getWebhookSubscription(delivery.subscriptionId);
    if (!subscription || !subscription.enabled) {
      await store.updateWebhookDelivery(delivery.id, {
        status: 'failed',
        attempts: delivery.attempts,
        nextAttemptAt: null,
      });
      return { done: true };
    }
    const attempt = delivery.attempts + 1;
    const startedAt = clock.now();
    const signature = new Webhook(subscription.secret).sign(delivery.id, new Date(startedAt), delivery.payload);
    let statusCode: number | null = null;
    let error: string | null = null;
    let response: string;
    let retryAfter: number | undefined;
    let permanent = false;
    try {
      const answer = await this.outbound.send({
        url: subscription.url,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(Math.floor(startedAt / 1000)),
          'webhook-signature': signature,
        },
        body: delivery.payload,
        timeoutMs: this.options.timeoutMs,
        maxResponseBytes: ATTEMPT_SNIPPET_BYTES,
      });
      statusCode = answer.status;
      response = answer.body;
      retryAfter = parseRetryAfter(answer.headers['retry-after'], clock.now());
    } catch (caught) {
      if (!(caught instanceof OutboundError)) throw caught;
      error = caught.reason;
      response = caught.message.slice(0, ATTEMPT_SNIPPET_BYTES);
      permanent = caught.reason === 'bad_url';
    }
    const finishedAt = clock.now();
    await store.addWebhookAttempt({
      id: newId('wa', startedAt),
      deliveryId: delivery.id,
      subscriptionId: subscription.id,
      attempt,
      startedAt,
      durationMs: Math.max(0, finishedAt - startedAt),
      statusCode,
      error,
      response,
    });
    const settle = async (status: 'delivered' | 'failed'): Promise<JobOutcome> => {
      await store.updateWebhookDelivery(delivery.id, { status, attempts: attempt, nextAttemptAt: null });
      return { done: true };
    };
    if (statusCode !== null && statusCode >= 200 && statusCode < 300) return settle('delivered');
    if (statusCode === 410) {
      await store.disableWebhookSubscription(
        subscription.id,
        `The receiver answered 410 Gone at ${new Date(finishedAt).toISOString()}.`,
      );
      return settle('failed');
    }
    const policy = this.options.retry;
    if (permanent || attempt - roundStart >= policy.maxAttempts) return settle('failed');
    const computed = backoffMs(policy, attempt - roundStart);
    const wait =
      retryAfter !== undefined
        ? Math.min(policy.maxDelayMs, retryAfter)
        : computed * (1 - policy.jitter + 2 * policy.jitter * this.random());
    const retryAt = finishedAt + Math.round(wait);
    await store.updateWebhookDelivery(delivery.id, { status: 'pending', attempts: attempt, nextAttemptAt: retryAt });
    return { retryAt, error: statusCode !== null ? `HTTP ${statusCode}` : (error ?? 'failed') };
  }
}
