/**
 * What a user sets and sees about their pushes beyond subscriptions and do-not-disturb
 * (services/push.ts): daily quiet hours in their time zone; the focus of each device
 * (the conversation it shows, `focus.set`), which holds back that conversation's pushes
 * while it is live; the record of recent decisions ("why was I, or was I not,
 * notified"); and the test push. The decisions themselves are made by the dispatcher's
 * consumer (PushService.consume); nothing here sends anything.
 */
import { PUSH_DECISIONS_KEPT, type PushDecision, type QuietHours } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { formatClockTime, isTimeZone, parseClockTime } from '../domain/quiet-hours';
import type { PushDecisionRecord } from '../ports/push-records';
import type { AuthContext } from './accounts';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import { PUSH_JOB, pushJobId, type PushJobPayload, type PushOptions } from './push';

/** One test push per device in this window: the button cannot flood a push service. */
const TEST_INTERVAL_MS = 10_000;
/** A test push that waits longer than this at an offline device's push service is stale. */
const TEST_TTL_SECONDS = 300;

function toDecision(record: PushDecisionRecord): PushDecision {
  return {
    id: record.id,
    subscriptionId: record.subscriptionId,
    conversationId: record.conversationId,
    messageId: record.messageId,
    at: record.at,
    reason: record.reason,
    delivery: record.delivery,
  };
}

export class PushPreferencesService {
  /**
   * Connections of this node that have reported a focus: only their end writes. A write per
   * closing connection would be one commit each (a restart closes them all at once).
   */
  private readonly focused = new Set<string>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
    private readonly options: Pick<PushOptions, 'focusTtlMs'>,
  ) {}

  async quietHours(auth: AuthContext): Promise<QuietHours | null> {
    const window = await this.deps.store.getQuietHours(auth.user.id);
    return (
      window && {
        start: formatClockTime(window.startMinute),
        end: formatClockTime(window.endMinute),
        timeZone: window.timeZone,
      }
    );
  }

  async setQuietHours(auth: AuthContext, input: QuietHours | null): Promise<QuietHours | null> {
    if (input === null) {
      await this.deps.store.setQuietHours(auth.user.id, null);
      return null;
    }
    const startMinute = parseClockTime(input.start);
    const endMinute = parseClockTime(input.end);
    if (startMinute === null || endMinute === null)
      throw new AppError('bad_request', 'Quiet hours start and end as HH:MM (24-hour).');
    if (startMinute === endMinute) throw new AppError('bad_request', 'Quiet hours must not start when they end.');
    if (!isTimeZone(input.timeZone))
      throw new AppError('bad_request', `Unknown time zone ${JSON.stringify(input.timeZone)}: use an IANA name.`);
    await this.deps.store.setQuietHours(auth.user.id, { startMinute, endMinute, timeZone: input.timeZone });
    return this.quietHours(auth);
  }

  /**
   * `focus.set`: this device shows `conversationId` (null: none) in front of its user.
   * Only a conversation the user may read can hold pushes back.
   */
  async setFocus(
    auth: AuthContext,
    connectionId: string,
    conversationId: string | null,
  ): Promise<{ expiresInMs: number }> {
    const { store, clock } = this.deps;
    const expiresInMs = this.options.focusTtlMs;
    if (conversationId === null) {
      await store.clearDeviceFocus(auth.session.id, connectionId);
      this.focused.delete(connectionId);
      return { expiresInMs };
    }
    await this.conversations.authorize(auth, conversationId, 'read', {}, { members: false });
    this.focused.add(connectionId);
    await store.setDeviceFocus({
      sessionId: auth.session.id,
      userId: auth.user.id,
      conversationId,
      connectionId,
      expiresAt: clock.now() + expiresInMs,
    });
    return { expiresInMs };
  }

  /** The connection closed: what it reported no longer holds. */
  async disconnected(sessionId: string, connectionId: string): Promise<void> {
    if (!this.focused.delete(connectionId)) return;
    await this.deps.store.clearDeviceFocus(sessionId, connectionId);
  }

  async decisions(auth: AuthContext): Promise<PushDecision[]> {
    return (await this.deps.store.listPushDecisions(auth.user.id, PUSH_DECISIONS_KEPT)).map(toDecision);
  }

  /** Queues a test push to every device of the user that has a subscription; how many. */
  async sendTest(auth: AuthContext): Promise<number> {
    const { store, clock } = this.deps;
    const now = clock.now();
    return store.transaction(async (tx) => {
      const recent = (await tx.listPushDecisions(auth.user.id, PUSH_DECISIONS_KEPT)).find(
        (d) => d.reason === 'test' && d.at > now - TEST_INTERVAL_MS,
      );
      if (recent) {
        throw new AppError('rate_limited', 'A test notification was just sent: wait a few seconds.', {
          details: { retryAfterMs: recent.at + TEST_INTERVAL_MS - now },
        });
      }
      const subscriptions = await tx.listPushSubscriptionsOfUser(auth.user.id);
      const decisions: PushDecisionRecord[] = [];
      for (const subscription of subscriptions) {
        const id = pushJobId('test', subscription.id, String(now));
        const payload: PushJobPayload = {
          subscriptionId: subscription.id,
          topic: id,
          urgency: 'high',
          ttlSeconds: TEST_TTL_SECONDS,
          payload: { v: 1, type: 'test' },
        };
        await tx.enqueueJob({ id, kind: PUSH_JOB, payload, dueAt: now, createdAt: now });
        decisions.push({
          id,
          userId: auth.user.id,
          subscriptionId: subscription.id,
          conversationId: null,
          messageId: null,
          at: now,
          reason: 'test',
          delivery: 'pending',
        });
      }
      if (decisions.length > 0) await tx.recordPushDecisions(decisions, PUSH_DECISIONS_KEPT);
      return decisions.length;
    });
  }
}
