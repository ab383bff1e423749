/**
 * Web Push (`client.push`, docs/notifications.md): the server's VAPID public key (the
 * `applicationServerKey` of `PushManager.subscribe()`), this device's push subscriptions
 * (they belong to the session: logging out removes them), do-not-disturb, quiet hours,
 * the recent push decisions ("why was I, or was I not, notified") and a test push.
 */
import type { CreatePushSubscriptionBody, PushDecision, PushSubscriptionInfo, QuietHours } from '@parley/protocol';
import type { ApiContext } from './client-api';

export class PushApi {
  constructor(private readonly ctx: ApiContext) {}

  /** The server's VAPID public key, base64url; needs no login. */
  async vapidPublicKey(): Promise<string> {
    return (await this.ctx.http.vapidPublicKey()).publicKey;
  }

  /**
   * Registers a browser subscription for this device.
   *
   * @example
   * const registration = await navigator.serviceWorker.ready;
   * const sub = await registration.pushManager.subscribe({
   *   userVisibleOnly: true,
   *   applicationServerKey: await client.push.vapidPublicKey(),
   * });
   * const { id } = await client.push.subscribe(sub.toJSON() as CreatePushSubscriptionBody);
   */
  async subscribe(subscription: CreatePushSubscriptionBody): Promise<PushSubscriptionInfo> {
    return (await this.ctx.http.createPushSubscription(subscription)).subscription;
  }

  /** Every push subscription of your account (all devices). */
  async list(): Promise<PushSubscriptionInfo[]> {
    return (await this.ctx.http.listPushSubscriptions()).subscriptions;
  }

  unsubscribe(subscriptionId: string): Promise<void> {
    return this.ctx.http.deletePushSubscription(subscriptionId);
  }

  /** No pushes until then (epoch ms); null: none set. */
  async doNotDisturb(): Promise<number | null> {
    return (await this.ctx.http.doNotDisturb()).until;
  }

  /** Silences pushes until `until` (epoch ms), or turns them back on with null. */
  async setDoNotDisturb(until: number | null): Promise<number | null> {
    return (await this.ctx.http.setDoNotDisturb({ until })).until;
  }

  /** Your daily quiet hours, or null. */
  async quietHours(): Promise<QuietHours | null> {
    return (await this.ctx.http.quietHours()).quietHours;
  }

  /**
   * Sets a daily window without pushes in your time zone (null: none).
   * @example await client.push.setQuietHours({ start: '22:00', end: '07:00', timeZone: 'Europe/Paris' });
   */
  async setQuietHours(quietHours: QuietHours | null): Promise<QuietHours | null> {
    return (await this.ctx.http.setQuietHours({ quietHours })).quietHours;
  }

  /** The latest decisions about your devices, newest first: why each got a push or not. */
  async decisions(): Promise<PushDecision[]> {
    return (await this.ctx.http.pushDecisions()).decisions;
  }

  /** Sends a test notification to each of your devices with a subscription; how many. */
  async sendTest(): Promise<number> {
    return (await this.ctx.http.pushTest()).queued;
  }
}
