/** Push subscriptions and do-not-disturb (0023), and write-once server settings. */
import type { Kysely, Selectable } from 'kysely';
import type { PushRecipient, PushSubscriptionRecord } from '../../ports/push-records';
import type { Database, PushSubscriptionsTable } from '../db-schema';

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
    .select(['m.notify_level', 'p.dnd_until'])
    .where('m.conversation_id', '=', conversationId)
    .where('s.user_id', '!=', exceptUserId)
    .orderBy('s.id')
    .execute();
  return rows.map((row) => ({
    subscription: toSubscription(row),
    notifyLevel: row.notify_level,
    dndUntil: row.dnd_until === null ? null : Number(row.dnd_until),
  }));
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
