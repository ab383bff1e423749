/**
 * Thread read state and the list of threads a user takes part in. Participants
 * (the root's author, everyone who replied and everyone a reply mentioned) are rows
 * written by the append of a reply (messages.ts); each has its own read cursor in the thread.
 */
import type { ThreadListing } from '@parley/protocol';
import type { QueryContext } from './context';
import { decorate } from './decorate';

type Db = QueryContext['db'];

/** Moves the cursor forward (clamped to the thread's last reply); false when not a participant. */
export async function advanceThreadRead(db: Db, rootId: string, userId: string, seq: number): Promise<boolean> {
  const root = await db
    .selectFrom('messages')
    .select('thread_last_reply_seq')
    .where('id', '=', rootId)
    .executeTakeFirst();
  const participant = await db
    .selectFrom('thread_participants')
    .select('read_seq')
    .where('root_id', '=', rootId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!root || !participant) return false;
  const target = Math.max(0, Math.min(Math.trunc(seq), root.thread_last_reply_seq));
  await db
    .updateTable('thread_participants')
    .set({ read_seq: target })
    .where('root_id', '=', rootId)
    .where('user_id', '=', userId)
    .where('read_seq', '<', target)
    .execute();
  return true;
}

/** The participant's cursor in a thread (undefined: not a participant). */
export async function getThreadRead(db: Db, rootId: string, userId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('thread_participants')
    .select('read_seq')
    .where('root_id', '=', rootId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.read_seq;
}

/**
 * Threads of conversations the user is still a member of, most recent reply first,
 * with the count of replies from others after the user's thread cursor. Three
 * queries per page (roots, their decorations, the unread counts).
 */
export async function listThreads(
  db: Db,
  userId: string,
  options: { conversationId?: string; limit: number },
): Promise<ThreadListing[]> {
  const limit = Math.max(0, Math.trunc(options.limit));
  if (limit === 0) return [];
  let query = db
    .selectFrom('thread_participants as tp')
    .innerJoin('members', (join) =>
      join.onRef('members.conversation_id', '=', 'tp.conversation_id').on('members.user_id', '=', userId),
    )
    .innerJoin('messages', 'messages.id', 'tp.root_id')
    .innerJoin('conversations', 'conversations.id', 'tp.conversation_id')
    .selectAll('messages')
    .select('tp.read_seq as thread_read_seq')
    .where('tp.user_id', '=', userId)
    .where('conversations.deleted_at', 'is', null);
  if (options.conversationId !== undefined) query = query.where('tp.conversation_id', '=', options.conversationId);
  const rows = await query
    .orderBy('messages.thread_last_reply_at', 'desc')
    .orderBy('messages.id', 'desc')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const roots = await decorate(db, rows);
  const unreadRows = await db
    .selectFrom('messages as r')
    .innerJoin('thread_participants as tp', (join) =>
      join.onRef('tp.root_id', '=', 'r.thread_id').on('tp.user_id', '=', userId),
    )
    .select('r.thread_id')
    .select((eb) => eb.fn.countAll<number>().as('unread'))
    .where(
      'r.thread_id',
      'in',
      rows.map((row) => row.id),
    )
    .whereRef('r.seq', '>', 'tp.read_seq')
    .where('r.sender_id', '!=', userId)
    .where('r.kind', '=', 'message')
    .groupBy('r.thread_id')
    .execute();
  const unread = new Map(unreadRows.map((row) => [row.thread_id, Number(row.unread)]));
  const readSeqs = new Map(rows.map((row) => [row.id, row.thread_read_seq]));
  return roots.map((root) => ({
    root,
    unreadCount: unread.get(root.id) ?? 0,
    readSeq: readSeqs.get(root.id) ?? 0,
  }));
}
