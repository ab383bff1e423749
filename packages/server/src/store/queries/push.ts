/**
 * Push subscriptions and do-not-disturb (0023), quiet hours, device focus and push
 * decisions (0034), and write-once server settings.
 */
import type { PushDecisionReason, PushDelivery } from '@parley/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { QuietWindow } from '../../domain/quiet-hours';
import type { PushDecisionRecord, PushRecipient, PushSubscriptionRecord } from '../../ports/push-records';
import type { Database, PushDecisionsTable, PushSubscriptionsTable } from '../db-schema';

type Db = Kysely<Database>;

function toSubscription(row: Selectable<PushSubscriptionsTable>): PushSubscriptionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    sessionId: row.session_id,
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    auth: row.auth,
    createdAt: Number(row.created_at),
  };
}

export async function upsertPushSubscription(db: Db, record: PushSubscriptionRecord): Promise<PushSubscriptionRecord> {
  const values = {
    id: record.id,
    user_id: record.userId,
    session_id: record.sessionId,
    endpoint: record.endpoint,
    p256dh: record.p256dh,
    auth: record.auth,
    created_at: record.createdAt,
  };
  // The endpoint names the browser's subscription: a new registration of it takes the row over.
  await db.deleteFrom('push_subscriptions').where('endpoint', '=', record.endpoint).execute();
  await db.insertInto('push_subscriptions').values(values).execute();
  return record;
}

export async function getPushSubscription(db: Db, id: string): Promise<PushSubscriptionRecord | undefined> {
  const row = await db.selectFrom('push_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSubscription(row);
}

export async function listPushSubscriptionsOfUser(db: Db, userId: string): Promise<PushSubscriptionRecord[]> {
  const rows = await db
    .selectFrom('push_subscriptions')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toSubscription);
}

export async function countPushSubscriptionsOfSession(db: Db, sessionId: string): Promise<number> {
  const row = await db
    .selectFrom('push_subscriptions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deletePushSubscription(db: Db, id: string, userId?: string): Promise<boolean> {
  let query = db.deleteFrom('push_subscriptions').where('id', '=', id);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listPushRecipients(
  db: Db,
  conversationId: string,
  exceptUserId: string,
): Promise<PushRecipient[]> {
  const rows = await db
    .selectFrom('push_subscriptions as s')
    .innerJoin('members as m', (join) => join.onRef('m.user_id', '=', 's.user_id'))
    .leftJoin('push_settings as p', 'p.user_id', 's.user_id')
    .selectAll('s')
    .select(['m.notify_level', 'p.dnd_until', 'p.quiet_start', 'p.quiet_end', 'p.quiet_time_zone'])
    .where('m.conversation_id', '=', conversationId)
    .where('s.user_id', '!=', exceptUserId)
    .orderBy('s.id')
    .execute();
  return rows.map((row) => ({
    subscription: toSubscription(row),
    notifyLevel: row.notify_level,
    dndUntil: row.dnd_until === null ? null : Number(row.dnd_until),
    quietHours: toQuietWindow(row),
  }));
}

function toQuietWindow(row: {
  quiet_start: number | null;
  quiet_end: number | null;
  quiet_time_zone: string | null;
}): QuietWindow | null {
  if (row.quiet_start === null || row.quiet_end === null || row.quiet_time_zone === null) return null;
  return { startMinute: Number(row.quiet_start), endMinute: Number(row.quiet_end), timeZone: row.quiet_time_zone };
}

export async function getQuietHours(db: Db, userId: string): Promise<QuietWindow | null> {
  const row = await db
    .selectFrom('push_settings')
    .select(['quiet_start', 'quiet_end', 'quiet_time_zone'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? toQuietWindow(row) : null;
}

export async function setQuietHours(db: Db, userId: string, window: QuietWindow | null): Promise<void> {
  const values = {
    quiet_start: window?.startMinute ?? null,
    quiet_end: window?.endMinute ?? null,
    quiet_time_zone: window?.timeZone ?? null,
  };
  await db
    .insertInto('push_settings')
    .values({ user_id: userId, dnd_until: null, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
}

export async function setDeviceFocus(
  db: Db,
  focus: { sessionId: string; userId: string; conversationId: string; connectionId: string; expiresAt: number },
): Promise<void> {
  const values = {
    conversation_id: focus.conversationId,
    connection_id: focus.connectionId,
    expires_at: focus.expiresAt,
  };
  await db
    .insertInto('device_focus')
    .values({ session_id: focus.sessionId, user_id: focus.userId, ...values })
    .onConflict((oc) => oc.column('session_id').doUpdateSet(values))
    .execute();
}

export async function clearDeviceFocus(db: Db, sessionId: string, connectionId?: string): Promise<void> {
  let query = db.deleteFrom('device_focus').where('session_id', '=', sessionId);
  if (connectionId !== undefined) query = query.where('connection_id', '=', connectionId);
  await query.execute();
}

export async function listFocusedUsers(db: Db, conversationId: string, now: number): Promise<string[]> {
  const rows = await db
    .selectFrom('device_focus')
    .select('user_id')
    .distinct()
    .where('conversation_id', '=', conversationId)
    .where('expires_at', '>', now)
    .execute();
  return rows.map((row) => row.user_id);
}

function toDecision(row: Selectable<PushDecisionsTable>): PushDecisionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    subscriptionId: row.subscription_id,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    at: Number(row.at),
    reason: row.reason as PushDecisionReason,
    delivery: row.delivery as PushDelivery | null,
  };
}

/** Rows per insert: well under SQLite's 32766 bound variables (8 columns each). */
const DECISION_BATCH = 500;

export async function recordPushDecisions(
  db: Db,
  decisions: readonly PushDecisionRecord[],
  keepPerUser: number,
): Promise<void> {
  for (let i = 0; i < decisions.length; i += DECISION_BATCH) {
    await db
      .insertInto('push_decisions')
      .values(
        decisions.slice(i, i + DECISION_BATCH).map((d) => ({
          id: d.id,
          user_id: d.userId,
          subscription_id: d.subscriptionId,
          conversation_id: d.conversationId,
          message_id: d.messageId,
          at: d.at,
          reason: d.reason,
          delivery: d.delivery,
        })),
      )
      // A decision is made once per (message, device); a repeat (a retried dispatch) keeps the first.
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  for (const userId of new Set(decisions.map((d) => d.userId))) {
    await db
      .deleteFrom('push_decisions')
      .where('user_id', '=', userId)
      .where('id', 'not in', (eb) =>
        eb
          .selectFrom('push_decisions')
          .select('id')
          .where('user_id', '=', userId)
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .limit(keepPerUser),
      )
      .execute();
  }
}

export async function setPushDelivery(db: Db, decisionId: string, delivery: PushDelivery): Promise<void> {
  await db.updateTable('push_decisions').set({ delivery }).where('id', '=', decisionId).execute();
}

export async function listPushDecisions(db: Db, userId: string, limit: number): Promise<PushDecisionRecord[]> {
  const rows = await db
    .selectFrom('push_decisions')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDecision);
}

export async function getDoNotDisturb(db: Db, userId: string): Promise<number | null> {
  const row = await db.selectFrom('push_settings').select('dnd_until').where('user_id', '=', userId).executeTakeFirst();
  return row?.dnd_until == null ? null : Number(row.dnd_until);
}

export async function setDoNotDisturb(db: Db, userId: string, until: number | null): Promise<void> {
  await db
    .insertInto('push_settings')
    .values({ user_id: userId, dnd_until: until })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ dnd_until: until }))
    .execute();
}

export async function initServerSetting(db: Db, key: string, value: unknown, at: number): Promise<unknown> {
  await db
    .insertInto('server_settings')
    .values({ key, value: JSON.stringify(value), updated_at: at })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('server_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return JSON.parse(row.value) as unknown;
}
