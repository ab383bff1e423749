/**
 * Retention's records (ports/retention-records.ts): conversations' own periods, legal
 * holds, the named lease and finding what expired. The deletion itself is purge.ts.
 */
import type { Message } from '@parley/protocol';
import type { ExpiredMessage, ExpiredQuery, RetentionHoldRecord } from '../../ports/retention-records';
import { decorate } from './decorate';
import { affected, type QueryContext } from './context';

type Db = QueryContext['db'];

export async function getConversationRetention(db: Db, conversationId: string): Promise<number | null | undefined> {
  const row = await db
    .selectFrom('conversations')
    .select('retention_days')
    .where('id', '=', conversationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return row.retention_days === null ? null : Number(row.retention_days);
}

export async function setConversationRetention(db: Db, conversationId: string, days: number | null): Promise<void> {
  await db.updateTable('conversations').set({ retention_days: days }).where('id', '=', conversationId).execute();
}

export async function listConversationRetention(db: Db): Promise<{ conversationId: string; days: number }[]> {
  const rows = await db
    .selectFrom('conversations')
    .select(['id', 'retention_days'])
    .where('retention_days', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ conversationId: r.id, days: Number(r.retention_days) }));
}

function toHold(row: {
  id: string;
  kind: 'user' | 'conversation';
  target_id: string;
  reason: string;
  created_by: string | null;
  created_at: number;
}): RetentionHoldRecord {
  return {
    id: row.id,
    kind: row.kind,
    targetId: row.target_id,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

export async function listRetentionHolds(db: Db): Promise<RetentionHoldRecord[]> {
  const rows = await db.selectFrom('retention_holds').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toHold);
}

export async function addRetentionHold(db: Db, hold: RetentionHoldRecord): Promise<boolean> {
  const result = await db
    .insertInto('retention_holds')
    .values({
      id: hold.id,
      kind: hold.kind,
      target_id: hold.targetId,
      reason: hold.reason,
      created_by: hold.createdBy,
      created_at: hold.createdAt,
    })
    .onConflict((oc) => oc.columns(['kind', 'target_id']).doNothing())
    .executeTakeFirst();
  return affected(result.numInsertedOrUpdatedRows);
}

export async function removeRetentionHold(db: Db, id: string): Promise<RetentionHoldRecord | undefined> {
  const row = await db.deleteFrom('retention_holds').where('id', '=', id).returningAll().executeTakeFirst();
  return row ? toHold(row) : undefined;
}

export async function findExpiredMessages(db: Db, query: ExpiredQuery): Promise<ExpiredMessage[]> {
  let q = db
    .selectFrom('messages as m')
    .select(['m.id', 'm.conversation_id', 'm.seq'])
    .where('m.created_at', '<', query.cutoff);
  if (query.conversationId !== undefined) {
    q = q.where('m.conversation_id', '=', query.conversationId);
  } else {
    // Conversations with their own period are asked one by one.
    q = q.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('conversations as c')
            .select('c.id')
            .whereRef('c.id', '=', 'm.conversation_id')
            .where('c.retention_days', 'is not', null),
        ),
      ),
    );
  }
  if (query.heldUserIds.length > 0) q = q.where('m.sender_id', 'not in', [...query.heldUserIds]);
  if (query.heldConversationIds.length > 0) q = q.where('m.conversation_id', 'not in', [...query.heldConversationIds]);
  const rows = await q
    .orderBy('m.created_at')
    .orderBy('m.id')
    .limit(Math.max(0, Math.trunc(query.limit)))
    .execute();
  return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, seq: Number(r.seq) }));
}

export async function pruneContentCopies(db: Db, before: number, jobKinds: readonly string[]): Promise<number> {
  const outbox = await db.deleteFrom('outbox').where('created_at', '<', before).executeTakeFirst();
  const old = db.selectFrom('webhook_deliveries').select('id').where('created_at', '<', before);
  const attempts = await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', old).executeTakeFirst();
  const deliveries = await db.deleteFrom('webhook_deliveries').where('created_at', '<', before).executeTakeFirst();
  // Failed events and jobs keep their payload (a message.new event has the text) until an admin acts.
  const deadLetters = await db.deleteFrom('dead_letters').where('created_at', '<', before).executeTakeFirst();
  const jobs = await db
    .deleteFrom('jobs')
    .where('kind', 'in', jobKinds.length > 0 ? [...jobKinds] : [''])
    .where('created_at', '<', before)
    .executeTakeFirst();
  // What members typed into a bot's command and the bot's ephemeral reply.
  const interactions = await db.deleteFrom('interactions').where('created_at', '<', before).executeTakeFirst();
  // Addresses taken from messages, with the title and description fetched for them.
  const previews = await db.deleteFrom('link_preview_cache').where('fetched_at', '<', before).executeTakeFirst();
  // The digest of what a sender typed before a pre-send hook changed it (kept for idempotent resends).
  const presend = await db.deleteFrom('presend_changes').where('created_at', '<', before).executeTakeFirst();
  return [outbox, attempts, deliveries, deadLetters, jobs, interactions, previews, presend].reduce(
    (sum, r) => sum + Number(r.numDeletedRows),
    0,
  );
}

export async function acquireLease(db: Db, name: string, holder: string, until: number, now: number): Promise<boolean> {
  await db
    .insertInto('leases')
    .values({ name, holder: '', until: 0 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const result = await db
    .updateTable('leases')
    .set({ holder, until })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('holder', '=', holder), eb('until', '<=', now)]))
    .executeTakeFirst();
  return affected(result.numUpdatedRows);
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.updateTable('leases').set({ until: 0 }).where('name', '=', name).where('holder', '=', holder).execute();
}

/** One user's messages (not update or system entries), oldest first, after (createdAt, id). */
export async function listMessagesBySender(
  db: Db,
  senderId: string,
  after: { createdAt: number; id: string } | undefined,
  limit: number,
): Promise<Message[]> {
  let q = db.selectFrom('messages').selectAll().where('sender_id', '=', senderId).where('kind', '=', 'message');
  if (after) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)));
  const rows = await q
    .orderBy('created_at')
    .orderBy('id')
    .limit(Math.max(0, Math.trunc(limit)))
    .execute();
  return decorate(db, rows);
}
