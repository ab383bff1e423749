/** Pre-send hooks and the digests of changed messages (0036, ports/presend-hook-records.ts). */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { PresendHookPatch, PresendHookRecord } from '../../ports/presend-hook-records';
import type { Database, PresendHooksTable } from '../db-schema';

type Db = Kysely<Database>;

function toHook(row: Selectable<PresendHooksTable>): PresendHookRecord {
  return {
    id: row.id,
    url: row.url,
    secret: row.secret,
    conversationIds: row.conversation_ids === null ? null : (JSON.parse(row.conversation_ids) as string[]),
    contentTypes: JSON.parse(row.content_types) as string[],
    deadlineMs: Number(row.deadline_ms),
    policy: row.policy === 'closed' ? 'closed' : 'open',
    enabled: Number(row.enabled) === 1,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

export async function createPresendHook(db: Db, r: PresendHookRecord): Promise<void> {
  await db
    .insertInto('presend_hooks')
    .values({
      id: r.id,
      url: r.url,
      secret: r.secret,
      conversation_ids: r.conversationIds === null ? null : JSON.stringify(r.conversationIds),
      content_types: JSON.stringify(r.contentTypes),
      deadline_ms: r.deadlineMs,
      policy: r.policy,
      enabled: r.enabled ? 1 : 0,
      created_by: r.createdBy,
      created_at: r.createdAt,
    })
    .execute();
}

export async function listPresendHooks(db: Db): Promise<PresendHookRecord[]> {
  const rows = await db.selectFrom('presend_hooks').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toHook);
}

export async function getPresendHook(db: Db, id: string): Promise<PresendHookRecord | undefined> {
  const row = await db.selectFrom('presend_hooks').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toHook(row);
}

export async function updatePresendHook(
  db: Db,
  id: string,
  patch: PresendHookPatch,
): Promise<PresendHookRecord | undefined> {
  const set: Updateable<PresendHooksTable> = {};
  if (patch.conversationIds !== undefined) {
    set.conversation_ids = patch.conversationIds === null ? null : JSON.stringify(patch.conversationIds);
  }
  if (patch.contentTypes !== undefined) set.content_types = JSON.stringify(patch.contentTypes);
  if (patch.deadlineMs !== undefined) set.deadline_ms = patch.deadlineMs;
  if (patch.policy !== undefined) set.policy = patch.policy;
  if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
  if (Object.keys(set).length > 0) await db.updateTable('presend_hooks').set(set).where('id', '=', id).execute();
  return getPresendHook(db, id);
}

export async function deletePresendHook(db: Db, id: string): Promise<PresendHookRecord | undefined> {
  const found = await getPresendHook(db, id);
  if (found) await db.deleteFrom('presend_hooks').where('id', '=', id).execute();
  return found;
}

export async function recordPresendChange(
  db: Db,
  change: { senderId: string; clientId: string; digest: string; at: number },
): Promise<void> {
  await db
    .insertInto('presend_changes')
    .values({ sender_id: change.senderId, client_id: change.clientId, digest: change.digest, created_at: change.at })
    .onConflict((oc) => oc.columns(['sender_id', 'client_id']).doNothing())
    .execute();
}

export async function getPresendChange(db: Db, senderId: string, clientId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('presend_changes')
    .select('digest')
    .where('sender_id', '=', senderId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row?.digest;
}
