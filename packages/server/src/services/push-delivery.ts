/**
 * Sends one push (a job of the durable queue): encrypts the job's JSON for the
 * subscription (RFC 8291, aes128gcm) and signs a VAPID token (RFC 8292) with
 * web-push's `generateRequestDetails`, then posts it through the outbound port
 * (SSRF-safe, bounded in time and size: web-push's own sender is not used, it opens
 * sockets itself). The push service's answer decides: 2xx delivered; 404 or 410 the
 * subscription is gone and is deleted; 429, 5xx, a timeout or a network error retried
 * with exponential backoff and jitter, honouring `Retry-After`, up to
 * PARLEY_PUSH_MAX_ATTEMPTS; any other answer (400, 403, 413) is logged and dropped.
 * Every attempt carries the same `Topic` (the job's id), so a push service that still
 * holds an undelivered copy replaces it rather than delivering two. The outcome is written
 * on the push's decision (its id is the job's), which the user sees in their settings.
 */
import webpush from 'web-push';
import type { JobHandler, JobOutcome, JobRecord } from '../ports/jobs';
import { OutboundError, type OutboundHttp } from '../ports/outbound-http';
import type { ServiceDeps } from './deps';
import { PUSH_JOB, type PushJobPayload } from './push';
import type { VapidKeys } from './push-keys';
import { backoffMs, parseRetryAfter, type WebhookRetryPolicy } from './webhook-delivery';

export interface PushDeliveryOptions {
  timeoutMs: number;
  retry: WebhookRetryPolicy;
}

export class PushDeliveryHandler implements JobHandler {
  readonly kind = PUSH_JOB;
  readonly stats = { delivered: 0, gone: 0, retried: 0, dropped: 0 };

  constructor(
    private readonly deps: ServiceDeps,
    private readonly keys: VapidKeys,
    private readonly outbound: OutboundHttp,
    private readonly options: PushDeliveryOptions,
    private readonly random: () => number = Math.random,
  ) {}

  async run(job: JobRecord): Promise<JobOutcome> {
    const input = job.payload as PushJobPayload;
    const { store, clock, logger } = this.deps;
    const subscription = await store.getPushSubscription(input.subscriptionId);
    if (!subscription) {
      await store.setPushDelivery(job.id, 'gone');
      return { done: true };
    }
    const vapid = await this.keys.get();
    const details = webpush.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      JSON.stringify(input.payload),
      {
        vapidDetails: vapid,
        TTL: input.ttlSeconds,
        urgency: input.urgency,
        topic: input.topic,
        contentEncoding: 'aes128gcm',
      },
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers)) {
      // The outbound port sets the length of the body it sends.
      if (name.toLowerCase() !== 'content-length') headers[name.toLowerCase()] = String(value);
    }
    let status: number | null = null;
    let retryAfter: number | undefined;
    let failure: string | null = null;
    try {
      const answer = await this.outbound.send({
        url: details.endpoint,
        method: 'POST',
        headers,
        body: details.body ?? undefined,
        timeoutMs: this.options.timeoutMs,
        maxResponseBytes: 512,
      });
      status = answer.status;
      retryAfter = parseRetryAfter(answer.headers['retry-after'], clock.now());
    } catch (caught) {
      if (!(caught instanceof OutboundError)) throw caught;
      if (caught.reason === 'bad_url' || caught.reason === 'refused_address') {
        logger.warn({ subscriptionId: subscription.id, reason: caught.reason }, 'push endpoint refused; dropping push');
        this.stats.dropped += 1;
        await store.setPushDelivery(job.id, 'failed');
        return { done: true };
      }
      failure = caught.reason;
    }
    if (status !== null && status >= 200 && status < 300) {
      this.stats.delivered += 1;
      await store.setPushDelivery(job.id, 'delivered');
      return { done: true };
    }
    if (status === 404 || status === 410) {
      // RFC 8030 7.3: the subscription expired or was cancelled: never push to it again.
      await store.deletePushSubscription(subscription.id);
      await store.setPushDelivery(job.id, 'gone');
      this.stats.gone += 1;
      return { done: true };
    }
    const retryable = failure !== null || status === 429 || (status !== null && status >= 500);
    const policy = this.options.retry;
    if (!retryable || job.attempts >= policy.maxAttempts) {
      logger.warn(
        { subscriptionId: subscription.id, status, failure, attempts: job.attempts },
        'push not delivered; dropping it',
      );
      this.stats.dropped += 1;
      await store.setPushDelivery(job.id, 'failed');
      return { done: true };
    }
    const wait =
      retryAfter !== undefined
        ? Math.min(policy.maxDelayMs, retryAfter)
        : backoffMs(policy, job.attempts) * (1 - policy.jitter + 2 * policy.jitter * this.random());
    this.stats.retried += 1;
    return {
      retryAt: clock.now() + Math.round(wait),
      error: status !== null ? `HTTP ${status}` : (failure ?? 'failed'),
    };
  }
}
