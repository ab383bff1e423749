/**
 * Web Push (docs/notifications.md): each device's push subscription (owned by its
 * session), the user's do-not-disturb time, and the decision of who gets a push. The
 * dispatcher (a durable consumer, ADR 0011) hands committed message entries to
 * `consume`, which, in the dispatcher's transaction, writes one job per subscription
 * that should hear of the message: the member's level for the conversation (all,
 * mentions only, muted; direct messages count as mentions), never the sender's own
 * devices, nobody who blocked the sender or whom the sender blocked, nobody in
 * do-not-disturb or quiet hours, nobody with a device that shows the conversation
 * (domain/push-decision.ts). Each decision about a device is recorded (bounded per user)
 * so the user can see why they were or were not notified. The job carries the push's
 * JSON, built once, so every attempt sends the same notification under the same `Topic`
 * (the job's id). Reading a conversation on one device queues a low-urgency "clear" push
 * to the user's other devices. The job runner sends them (services/push-delivery.ts).
 * Quiet hours, focus and the test push: services/push-preferences.ts. No network here.
 */
import { createHash } from 'node:crypto';
import {
  MAX_PUSH_SUBSCRIPTIONS_PER_SESSION,
  PUSH_DECISIONS_KEPT,
  PUSH_TEXT_MAX_CHARS,
  type Conversation,
  type CreatePushSubscriptionBody,
  type Message,
  type PushPayload,
  type PushSubscriptionInfo,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { decidePush } from '../domain/push-decision';
import type { EventConsumer } from '../ports/jobs';
import { OutboundError } from '../ports/outbound-http';
import type { PushDecisionRecord, PushSubscriptionRecord } from '../ports/push-records';
import type { OutboxRecord, Store } from '../ports/store';
import type { AuthContext } from './accounts';
import type { ServiceDeps } from './deps';
import type { VapidKeys } from './push-keys';

export const PUSH_JOB = 'push.send';

export type PushUrgency = 'very-low' | 'low' | 'normal' | 'high';

/** The job's input: everything one push needs but the subscription's current keys. */
export interface PushJobPayload {
  subscriptionId: string;
  /** RFC 8030 Topic: the job's id, so a repeat replaces an undelivered copy at the push service. */
  topic: string;
  urgency: PushUrgency;
  ttlSeconds: number;
  payload: PushPayload;
}

export interface PushOptions {
  /** PARLEY_PUSH_CONTENT: `none` sends ids only. */
  content: 'full' | 'none';
  ttlSeconds: number;
  /** PARLEY_PUSH_FOCUS_TTL_MS: how long a device's `focus.set` holds. */
  focusTtlMs: number;
}

/** Clearing pushes matter only while the notification is on screen. */
const CLEAR_TTL_SECONDS = 3600;
const NAME_MAX_CHARS = 100;

/** A job id that is also a valid Topic (RFC 8030 5.4: at most 32 base64url characters). */
export function pushJobId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('|')).digest('base64url').slice(0, 32);
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** What a notification says about a message, or null for entries nobody is notified of. */
function describe(message: Message): string | null {
  const content = message.content;
  switch (content.type) {
    case 'text':
      return content.text;
    case 'file':
      return `📎 ${content.name}`;
    case 'call':
      return '📞 Call';
    case 'mls':
      return '';
    default:
      return null;
  }
}

function mentions(message: Message, userId: string): boolean {
  const m = message.mentions;
  return m !== undefined && (m.channel || m.userIds.includes(userId));
}

/** `http:` only for loopback push services (tests, a push service on the same host). */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]';
}

function toInfo(record: PushSubscriptionRecord): PushSubscriptionInfo {
  return { id: record.id, endpoint: record.endpoint, createdAt: record.createdAt };
}

export class PushService implements EventConsumer {
  readonly name = 'push';

  constructor(
    private readonly deps: ServiceDeps,
    readonly keys: VapidKeys,
    private readonly checkHost: ((host: string) => Promise<unknown>) | undefined,
    private readonly options: PushOptions,
  ) {}

  async vapidPublicKey(): Promise<string> {
    return (await this.keys.get()).publicKey;
  }

  private async checkEndpoint(raw: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new AppError('url_not_allowed', 'The push endpoint cannot be parsed.');
    }
    if (url.username !== '' || url.password !== '')
      throw new AppError('url_not_allowed', 'A push endpoint must not carry credentials.');
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
      throw new AppError('url_not_allowed', 'A push endpoint must be an https URL.');
    // Checked again at every push (DNS can change); this refuses internal addresses now.
    try {
      await this.checkHost?.(url.hostname);
    } catch (error) {
      if (error instanceof OutboundError) throw new AppError('url_not_allowed', error.message);
      throw error;
    }
    return url.toString();
  }

  /** Registers this device's (session's) push subscription; the same endpoint again replaces it. */
  async subscribe(auth: AuthContext, input: CreatePushSubscriptionBody): Promise<PushSubscriptionInfo> {
    const endpoint = await this.checkEndpoint(input.endpoint);
    const p256dh = Buffer.from(input.keys.p256dh, 'base64url');
    const secret = Buffer.from(input.keys.auth, 'base64url');
    if (p256dh.length !== 65 || p256dh[0] !== 4 || secret.length !== 16) {
      throw new AppError('bad_request', 'keys.p256dh must be a P-256 point (65 bytes) and keys.auth 16 bytes.');
    }
    const { store, clock } = this.deps;
    const mine = (await store.listPushSubscriptionsOfUser(auth.user.id)).filter(
      (s) => s.sessionId === auth.session.id && s.endpoint !== endpoint,
    );
    if (mine.length >= MAX_PUSH_SUBSCRIPTIONS_PER_SESSION) {
      throw new AppError(
        'limit_reached',
        `A device has at most ${MAX_PUSH_SUBSCRIPTIONS_PER_SESSION} push subscriptions.`,
        {
          details: { limit: MAX_PUSH_SUBSCRIPTIONS_PER_SESSION },
        },
      );
    }
    const now = clock.now();
    const record = await store.upsertPushSubscription({
      id: newId('ps', now),
      userId: auth.user.id,
      sessionId: auth.session.id,
      endpoint,
      p256dh: p256dh.toString('base64url'),
      auth: secret.toString('base64url'),
      createdAt: now,
    });
    return toInfo(record);
  }

  async list(auth: AuthContext): Promise<PushSubscriptionInfo[]> {
    return (await this.deps.store.listPushSubscriptionsOfUser(auth.user.id)).map(toInfo);
  }

  async unsubscribe(auth: AuthContext, id: string): Promise<void> {
    if (!(await this.deps.store.deletePushSubscription(id, auth.user.id)))
      throw new AppError('not_found', 'No such push subscription.');
  }

  async doNotDisturb(auth: AuthContext): Promise<number | null> {
    return this.deps.store.getDoNotDisturb(auth.user.id);
  }

  async setDoNotDisturb(auth: AuthContext, until: number | null): Promise<number | null> {
    const value = until !== null && until <= this.deps.clock.now() ? null : until;
    await this.deps.store.setDoNotDisturb(auth.user.id, value);
    return value;
  }

  /** Inside the dispatcher's transaction: one push job per subscription that should hear of each message; how many. */
  async consume(events: readonly OutboxRecord[], tx: Store): Promise<number> {
    let written = 0;
    const decisions: PushDecisionRecord[] = [];
    for (const record of events) {
      if (record.event.type !== 'message.new') continue;
      const message = record.event.message;
      const summary = describe(message);
      if (summary === null) continue;
      const recipients = await tx.listPushRecipients(message.conversationId, message.senderId);
      if (recipients.length === 0) continue;
      const blocks = await tx.listBlockRelations(message.senderId);
      const blocked = new Set([...blocks.blocked, ...blocks.blockedBy]);
      const conversation = await tx.getConversation(message.conversationId, { members: false });
      if (!conversation) continue;
      const sender = await tx.getUser(message.senderId);
      const now = this.deps.clock.now();
      const focused = new Set(await tx.listFocusedUsers(message.conversationId, now));
      for (const recipient of recipients) {
        const { subscription } = recipient;
        const userId = subscription.userId;
        // A block is nobody's business but the blocker's: no push, and no decision to show either side.
        if (blocked.has(userId)) continue;
        const mention = conversation.kind === 'direct' || mentions(message, userId);
        const reason = decidePush(
          {
            level: recipient.notifyLevel,
            mention,
            dndUntil: recipient.dndUntil,
            quietHours: recipient.quietHours,
            focused: focused.has(userId),
          },
          now,
        );
        const id = pushJobId('message', message.id, subscription.id);
        decisions.push({
          id,
          userId,
          subscriptionId: subscription.id,
          conversationId: message.conversationId,
          messageId: message.id,
          at: now,
          reason,
          delivery: reason === 'notify' ? 'pending' : null,
        });
        if (reason !== 'notify') continue;
        const payload: PushJobPayload = {
          subscriptionId: subscription.id,
          topic: id,
          urgency: mention ? 'high' : 'normal',
          ttlSeconds: this.options.ttlSeconds,
          payload: this.payload(message, conversation, sender?.displayName ?? null, summary, mention),
        };
        await tx.enqueueJob({ id, kind: PUSH_JOB, payload, dueAt: now, createdAt: now });
        written += 1;
      }
    }
    if (decisions.length > 0) await tx.recordPushDecisions(decisions, PUSH_DECISIONS_KEPT);
    return written;
  }

  private payload(
    message: Message,
    conversation: Conversation,
    senderName: string | null,
    summary: string,
    mention: boolean,
  ): PushPayload {
    const ids = {
      v: 1 as const,
      type: 'message' as const,
      conversationId: message.conversationId,
      messageId: message.id,
      seq: message.seq,
      mention,
    };
    if (conversation.encryption !== undefined || message.content.type === 'mls') return { ...ids, encrypted: true };
    if (this.options.content === 'none') return ids;
    const name = senderName ?? 'Someone';
    return {
      ...ids,
      conversationName: truncate(conversation.title ?? name, NAME_MAX_CHARS),
      senderName: truncate(name, NAME_MAX_CHARS),
      text: truncate(summary, PUSH_TEXT_MAX_CHARS),
    };
  }

  /**
   * Inside the write that moved the user's read cursor: tells the user's other devices
   * (not `sessionId`'s) to close the conversation's notifications up to `seq`.
   */
  async clearElsewhere(
    tx: Store,
    userId: string,
    sessionId: string,
    conversationId: string,
    seq: number,
  ): Promise<void> {
    const subscriptions = (await tx.listPushSubscriptionsOfUser(userId)).filter((s) => s.sessionId !== sessionId);
    const now = this.deps.clock.now();
    for (const subscription of subscriptions) {
      const id = pushJobId('clear', conversationId, String(seq), subscription.id);
      const payload: PushJobPayload = {
        subscriptionId: subscription.id,
        topic: id,
        urgency: 'low',
        ttlSeconds: Math.min(CLEAR_TTL_SECONDS, this.options.ttlSeconds),
        payload: { v: 1, type: 'clear', conversationId, seq },
      };
      await tx.enqueueJob({ id, kind: PUSH_JOB, payload, dueAt: now, createdAt: now });
    }
  }
}
