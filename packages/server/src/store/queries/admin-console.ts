/**
 * Reads across the whole server for the administration console: groups and channels
 * by title, the reports of every conversation, storage totals. Only persistence: the
 * caller (services/admin-console.ts) has checked that an admin asks.
 */
import type { Conversation, Report, StorageResponse } from '@parley/protocol';
import { sql } from 'kysely';
import { toConversation } from '../rows';
import { escapeLike } from './admin';
import type { QueryContext } from './context';
import { toReport } from './moderation';

type Db = QueryContext['db'];

export async function adminSearchConversations(
  db: Db,
  options: { query?: string; kind?: 'group' | 'channel'; beforeId?: string; limit: number },
): Promise<Conversation[]> {
  let query = db
    .selectFrom('conversations')
    .selectAll()
    .where('kind', '!=', 'direct')
    .where('deleted_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(Math.max(1, Math.trunc(options.limit)));
  if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  const text = options.query?.trim();
  if (text) {
    const pattern = `%${escapeLike(text)}%`;
    query = query.where((eb) => sql<boolean>`lower(coalesce(${eb.ref('title')}, '')) like ${pattern} escape '\\'`);
  }
  // Members are not listed: a channel may have 100k (GET .../members pages them).
  return (await query.execute()).map((row) => toConversation(row, []));
}

export async function listAllReports(db: Db, options: { open: boolean; limit: number }): Promise<Report[]> {
  let query = db
    .selectFrom('reports')
    .innerJoin('conversations', 'conversations.id', 'reports.conversation_id')
    .selectAll('reports')
    .where('conversations.deleted_at', 'is', null)
    .orderBy('reports.created_at', 'desc')
    .orderBy('reports.id', 'desc')
    .limit(Math.max(1, Math.trunc(options.limit)));
  if (options.open) query = query.where('reports.resolved_at', 'is', null);
  const reports: Report[] = [];
  for (const row of await query.execute()) reports.push(await toReport(db, row));
  return reports;
}

export async function resolveReportAs(db: Db, id: string, by: string | null, at: number): Promise<Report | undefined> {
  await db
    .updateTable('reports')
    .set({ resolved_at: at, resolved_by: by })
    .where('id', '=', id)
    .where('resolved_at', 'is', null)
    .execute();
  const row = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toReport(db, row);
}

export async function storageTotals(db: Db, topUsers: number): Promise<StorageResponse> {
  const users = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const conversations = await db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  const files = await db
    .selectFrom('files')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('bytes'),
    ])
    .executeTakeFirstOrThrow();
  const top = await db
    .selectFrom('files')
    .innerJoin('users', 'users.id', 'files.owner_id')
    .select((eb) => [
      'files.owner_id as userId',
      'users.username as username',
      eb.fn.countAll<number>().as('files'),
      eb.fn.sum<number>('files.size').as('bytes'),
    ])
    .groupBy(['files.owner_id', 'users.username'])
    .orderBy('bytes', 'desc')
    .limit(Math.max(1, Math.trunc(topUsers)))
    .execute();
  return {
    users: Number(users.n),
    conversations: Number(conversations.n),
    files: Number(files.n),
    fileBytes: Number(files.bytes),
    topUsers: top.map((row) => ({
      userId: row.userId,
      username: row.username,
      files: Number(row.files),
      bytes: Number(row.bytes),
    })),
  };
}
