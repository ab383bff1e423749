/**
 * Archiving and deleting a conversation (docs/adr/0020). Deleting is two steps: one
 * short write sets `deleted_at` (every read treats the conversation as gone from that
 * commit on), then `purgeConversationStep` erases it a bounded batch at a time, each
 * batch its own atomic write, so that a 100,000-member channel with a long history
 * never holds the write lock (or the event loop, on SQLite) for long. Messages go
 * first, newest first (their reactions, file references, thread participants and
 * search entries go with them by cascade; mentions explicitly), then members, then
 * the conversation row, whose cascade takes the few rows left (bans, reports,
 * invites, restrictions, calls, encryption state).
 */
import { sql } from 'kysely';
import type { PurgeStep } from '../../ports/store';
import { atomic } from '../atomic';
import type { QueryContext } from './context';
import { affected } from './context';

type Db = QueryContext['db'];

/** Sets or clears `archived_at` of a live conversation; false when nothing changed. */
export async function setConversationArchived(db: Db, id: string, archivedAt: number | null): Promise<boolean> {
  const result = await db
    .updateTable('conversations')
    .set({ archived_at: archivedAt })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where('archived_at', archivedAt === null ? 'is not' : 'is', null)
    .executeTakeFirst();
  return affected(result.numUpdatedRows);
}

/** Marks a live conversation deleted; false when it was already deleted (or never existed). */
export async function markConversationDeleted(db: Db, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('conversations')
    .set({ deleted_at: at })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return affected(result.numUpdatedRows);
}

/** Ids of the conversations marked deleted whose rows are still there (a purge to resume). */
export async function listDeletedConversations(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('conversations')
    .select('id')
    .where('deleted_at', 'is not', null)
    .orderBy('deleted_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Erases up to `limit` rows of a conversation marked deleted, in one atomic write.
 * Returns what is left to do and the files that no message carries any more (the
 * caller deletes their records and blobs). A conversation that is not marked deleted
 * is never touched.
 */
export async function purgeConversationStep(db: Db, id: string, limit: number): Promise<PurgeStep> {
  const batch = Math.max(1, Math.trunc(limit));
  return atomic(db, async (tx) => {
    const row = await tx.selectFrom('conversations').select('deleted_at').where('id', '=', id).executeTakeFirst();
    if (!row || row.deleted_at === null) return { done: true, removed: 0, orphanFileIds: [] };

    const messages = await tx
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', id)
      .orderBy('seq', 'desc')
      .limit(batch)
      .execute();
    if (messages.length > 0) {
      const ids = messages.map((m) => m.id);
      const fileRows = await tx.selectFrom('file_refs').select('file_id').where('message_id', 'in', ids).execute();
      const fileIds = [...new Set(fileRows.map((r) => r.file_id))];
      await tx.deleteFrom('message_mentions').where('message_id', 'in', ids).execute();
      // Thread replies point at their root without a foreign key: they are in this conversation too.
      await tx.deleteFrom('messages').where('id', 'in', ids).execute();
      let orphanFileIds: string[] = [];
      if (fileIds.length > 0) {
        const stillCarried = await tx
          .selectFrom('file_refs')
          .select('file_id')
          .where('file_id', 'in', fileIds)
          .groupBy('file_id')
          .execute();
        const carried = new Set(stillCarried.map((r) => r.file_id));
        orphanFileIds = fileIds.filter((fileId) => !carried.has(fileId));
      }
      return { done: false, removed: ids.length, orphanFileIds };
    }

    const members = await tx
      .selectFrom('members')
      .select('user_id')
      .where('conversation_id', '=', id)
      .orderBy('user_id')
      .limit(batch)
      .execute();
    if (members.length > 0) {
      await tx
        .deleteFrom('members')
        .where('conversation_id', '=', id)
        .where(
          'user_id',
          'in',
          members.map((m) => m.user_id),
        )
        .execute();
      return { done: false, removed: members.length, orphanFileIds: [] };
    }

    await tx.deleteFrom('thread_participants').where('conversation_id', '=', id).execute();
    await tx.deleteFrom('incoming_webhooks').where('conversation_id', '=', id).execute();
    await tx.deleteFrom('conversations').where('id', '=', id).execute();
    return { done: true, removed: 1, orphanFileIds: [] };
  });
}

/**
 * Rows per table that still name the conversation, or one of `messageIds` (its messages
 * as they were before the purge): what an erased conversation must have none of.
 */
export async function countConversationRows(
  { db, dialect }: QueryContext,
  id: string,
  messageIds: readonly string[],
): Promise<Record<string, number>> {
  const count = async (table: string, where: ReturnType<typeof sql>): Promise<number> => {
    const result = await sql<{
      n: number | string;
    }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(db);
    return Number(result.rows[0]?.n ?? 0);
  };
  const byConversation = sql`conversation_id = ${id}`;
  const ids = messageIds.length === 0 ? [''] : [...messageIds];
  const byMessage = sql`message_id in (${sql.join(ids)})`;
  return {
    conversations: await count('conversations', sql`id = ${id}`),
    members: await count('members', byConversation),
    messages: await count('messages', byConversation),
    message_mentions: await count('message_mentions', byConversation),
    thread_participants: await count('thread_participants', byConversation),
    bans: await count('bans', byConversation),
    reports: await count('reports', byConversation),
    invites: await count('invites', byConversation),
    member_restrictions: await count('member_restrictions', byConversation),
    file_refs: await count('file_refs', byConversation),
    calls: await count('calls', byConversation),
    incoming_webhooks: await count('incoming_webhooks', byConversation),
    e2ee_groups: await count('e2ee_groups', byConversation),
    e2ee_group_devices: await count('e2ee_group_devices', byConversation),
    e2ee_welcomes: await count('e2ee_welcomes', byConversation),
    reactions: await count('reactions', byMessage),
    search: await dialect.search.count(db, ids),
  };
}
