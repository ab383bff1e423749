/**
 * Turns a page of message rows into Messages with their reaction summaries and
 * thread participants: one query for the reactions of the whole page and one for
 * the participants of the thread roots on it, never a query per message. Counts
 * are exact; user lists are the earliest 20 (window functions, the same SQL in
 * SQLite and PostgreSQL).
 */
import type { Message, ReactionSummary } from '@parley/protocol';
import type { Selectable } from 'kysely';
import type { MessagesTable } from '../db-schema';
import { toMessage } from '../rows';
import type { QueryContext } from './context';

type Db = QueryContext['db'];

/** How many users a reaction summary and a thread summary list. */
export const LISTED_USERS = 20;

export async function reactionSummaries(
  db: Db,
  messageIds: readonly string[],
): Promise<Map<string, ReactionSummary[]>> {
  const result = new Map<string, ReactionSummary[]>();
  if (messageIds.length === 0) return result;
  const ranked = db
    .selectFrom('reactions')
    .select(['message_id', 'emoji', 'user_id', 'created_at'])
    .select((eb) => [
      eb.fn
        .countAll<number>()
        .over((ob) => ob.partitionBy(['message_id', 'emoji']))
        .as('total'),
      eb.fn
        .agg<number>('row_number', [])
        .over((ob) => ob.partitionBy(['message_id', 'emoji']).orderBy('created_at', 'asc').orderBy('user_id', 'asc'))
        .as('rank'),
    ])
    .where('message_id', 'in', [...messageIds])
    .as('ranked');
  const rows = await db
    .selectFrom(ranked)
    .selectAll()
    .where('rank', '<=', LISTED_USERS)
    .orderBy('message_id')
    .orderBy('emoji')
    .orderBy('rank')
    .execute();
  // Emoji in the order they were first used on the message.
  const firsts = new Map<string, number>();
  for (const row of rows) {
    let list = result.get(row.message_id);
    if (!list) result.set(row.message_id, (list = []));
    let summary = list.find((s) => s.emoji === row.emoji);
    if (!summary) {
      summary = { emoji: row.emoji, count: Number(row.total), userIds: [] };
      list.push(summary);
      firsts.set(`${row.message_id}\u0000${row.emoji}`, Number(row.created_at));
    }
    summary.userIds.push(row.user_id);
  }
  for (const [messageId, list] of result) {
    const first = (s: ReactionSummary): number => firsts.get(`${messageId}\u0000${s.emoji}`) ?? 0;
    list.sort((a, b) => first(a) - first(b) || (a.emoji < b.emoji ? -1 : 1));
  }
  return result;
}

export async function threadParticipants(db: Db, rootIds: readonly string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (rootIds.length === 0) return result;
  const ranked = db
    .selectFrom('thread_participants')
    .select(['root_id', 'user_id'])
    .select((eb) =>
      eb.fn
        .agg<number>('row_number', [])
        .over((ob) => ob.partitionBy('root_id').orderBy('joined_at', 'asc').orderBy('user_id', 'asc'))
        .as('rank'),
    )
    .where('root_id', 'in', [...rootIds])
    .as('ranked');
  const rows = await db
    .selectFrom(ranked)
    .selectAll()
    .where('rank', '<=', LISTED_USERS)
    .orderBy('root_id')
    .orderBy('rank')
    .execute();
  for (const row of rows) {
    const list = result.get(row.root_id);
    if (list) list.push(row.user_id);
    else result.set(row.root_id, [row.user_id]);
  }
  return result;
}

/** Rows to Messages with reactions and thread summaries: at most two queries whatever the page size. */
export async function decorate(db: Db, rows: readonly Selectable<MessagesTable>[]): Promise<Message[]> {
  if (rows.length === 0) return [];
  // Only messages can carry reactions; tombstones and entries never do.
  const reactable = rows.filter((r) => r.kind === 'message' && r.deleted_at === null).map((r) => r.id);
  const roots = rows.filter((r) => r.thread_reply_count > 0).map((r) => r.id);
  // One after the other: a transaction's connection runs one statement at a time.
  const reactions = await reactionSummaries(db, reactable);
  const participants = await threadParticipants(db, roots);
  return rows.map((row) => {
    const extras: { reactions?: ReactionSummary[]; participantIds?: string[] } = {};
    const r = reactions.get(row.id);
    if (r) extras.reactions = r;
    const p = participants.get(row.id);
    if (p) extras.participantIds = p;
    return toMessage(row, extras);
  });
}

/** Adds, for one reader, the emoji they reacted with to each message (one query). */
export async function withMyReactions(db: Db, userId: string, messages: Message[]): Promise<Message[]> {
  const ids = messages.filter((m) => m.reactions && m.reactions.length > 0).map((m) => m.id);
  if (ids.length === 0) return messages;
  const rows = await db
    .selectFrom('reactions')
    .select(['message_id', 'emoji'])
    .where('user_id', '=', userId)
    .where('message_id', 'in', ids)
    .orderBy('created_at')
    .execute();
  const mine = new Map<string, string[]>();
  for (const row of rows) {
    const list = mine.get(row.message_id);
    if (list) list.push(row.emoji);
    else mine.set(row.message_id, [row.emoji]);
  }
  return messages.map((m) => {
    const emoji = mine.get(m.id);
    return emoji ? { ...m, myReactions: emoji } : m;
  });
}
