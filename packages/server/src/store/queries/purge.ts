/**
 * The deletion routine: removes messages for good, with every row that refers to them or
 * carries their text (docs/adr/0019). Used by the retention job; anything else that must
 * make messages gone (deleting a whole conversation, an account with its content) can call
 * `purgeMessages` with the ids. It runs inside the caller's transaction and touches only
 * the ids given: the caller chooses them (legal holds are the caller's rule) and keeps the
 * batch small, since SQLite runs on the event loop's thread (ADR 0010).
 *
 * What goes, per message: the row itself; its reactions, mentions, thread participants
 * (when it is a thread root), reports, file refs, call record and search entry; the
 * `update` entries that change it (edits carry the new text) are rewritten into
 * content-free `expired` entries, not deleted, so that the sequence of what is kept has no
 * holes (P2); the excerpt quoted by kept replies is emptied; thread roots that keep living
 * get their reply count and last reply recomputed. Files that no message carries any more
 * are returned so that the caller deletes their records and bytes (blob store).
 */
import { sql } from 'kysely';
import type { PurgeCounts } from '../../ports/retention-records';
import { encodeContent } from '../rows';
import type { QueryContext } from './context';

/** Rows of one statement's IN list; batches are small, this only guards a caller that is not. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function changed(result: { numDeletedRows?: bigint; numUpdatedRows?: bigint }[]): number {
  return result.reduce((sum, r) => sum + Number(r.numDeletedRows ?? r.numUpdatedRows ?? 0n), 0);
}

export function emptyCounts(): PurgeCounts {
  return {
    messages: 0,
    edits: 0,
    reactions: 0,
    mentions: 0,
    threadParticipants: 0,
    reports: 0,
    calls: 0,
    quotes: 0,
    fileRefs: 0,
    releasedFileIds: [],
  };
}

export async function purgeMessages(ctx: QueryContext, ids: readonly string[]): Promise<PurgeCounts> {
  const counts = emptyCounts();
  for (const part of chunks([...new Set(ids)])) await purgeChunk(ctx, part, counts);
  return counts;
}

async function purgeChunk({ db, dialect }: QueryContext, ids: string[], counts: PurgeCounts): Promise<void> {
  const rows = await db.selectFrom('messages').select(['id', 'thread_id']).where('id', 'in', ids).execute();
  if (rows.length === 0) return;
  const present = rows.map((r) => r.id);
  const gone = new Set(present);
  const roots = new Set(rows.flatMap((r) => (r.thread_id !== null && !gone.has(r.thread_id) ? [r.thread_id] : [])));

  counts.reactions += changed(await db.deleteFrom('reactions').where('message_id', 'in', present).execute());
  counts.mentions += changed(await db.deleteFrom('message_mentions').where('message_id', 'in', present).execute());
  counts.threadParticipants += changed(
    await db.deleteFrom('thread_participants').where('root_id', 'in', present).execute(),
  );
  counts.reports += changed(await db.deleteFrom('reports').where('message_id', 'in', present).execute());
  counts.calls += changed(await db.deleteFrom('calls').where('message_id', 'in', present).execute());
  for (const id of present) await dialect.search.remove(db, id);

  const refs = await db.selectFrom('file_refs').select('file_id').where('message_id', 'in', present).execute();
  counts.fileRefs += changed(await db.deleteFrom('file_refs').where('message_id', 'in', present).execute());
  if (refs.length > 0) {
    const fileIds = [...new Set(refs.map((r) => r.file_id))];
    const still = await db.selectFrom('file_refs').select('file_id').where('file_id', 'in', fileIds).execute();
    const referenced = new Set(still.map((r) => r.file_id));
    counts.releasedFileIds.push(...fileIds.filter((id) => !referenced.has(id)));
  }

  // Kept entries that carry the text: edits (rewritten, content-free) and quotes (excerpt emptied).
  const edits = await db
    .selectFrom('messages')
    .select(['id', 'target_id'])
    .where('target_id', 'in', present)
    .where('id', 'not in', present)
    .execute();
  for (const edit of edits) {
    const target = edit.target_id ?? '';
    await db
      .updateTable('messages')
      .set({
        content: encodeContent({ type: 'update', action: 'expired', messageId: target, messageIds: [target] }),
        mentions: null,
        mention_all: 0,
        target_id: null,
      })
      .where('id', '=', edit.id)
      .execute();
    await dialect.search.remove(db, edit.id);
  }
  counts.edits += edits.length;
  const replies = await db
    .selectFrom('messages')
    .select(['id', 'reply_to'])
    .where('reply_to_id', 'in', present)
    .where('id', 'not in', present)
    .execute();
  for (const reply of replies) {
    if (!reply.reply_to) continue;
    const ref = JSON.parse(reply.reply_to) as Record<string, unknown>;
    await db
      .updateTable('messages')
      .set({ reply_to: JSON.stringify({ ...ref, excerpt: '' }), reply_to_id: null })
      .where('id', '=', reply.id)
      .execute();
  }
  counts.quotes += replies.length;

  counts.messages += changed(await db.deleteFrom('messages').where('id', 'in', present).execute());

  // Roots that stay: their summary counts only the replies that are left.
  for (const root of roots) {
    const summary = await db
      .selectFrom('messages')
      .select((eb) => [
        eb.fn.countAll<number>().as('replies'),
        eb.fn.max('created_at').as('last_at'),
        eb.fn.max('seq').as('last_seq'),
      ])
      .where('thread_id', '=', root)
      .where('kind', '=', 'message')
      .executeTakeFirst();
    const replies = Number(summary?.replies ?? 0);
    await db
      .updateTable('messages')
      .set({
        thread_reply_count: replies,
        thread_last_reply_at: replies > 0 ? Number(summary?.last_at) : null,
        thread_last_reply_seq: replies > 0 ? Number(summary?.last_seq) : 0,
      })
      .where('id', '=', root)
      .execute();
  }
}

/** Rows of tables that refer to messages by id and still name one of `ids` (tests count them). */
export async function countReferences(ctx: QueryContext, ids: readonly string[]): Promise<Record<string, number>> {
  const { db } = ctx;
  if (ids.length === 0) return {};
  const list = [...ids];
  const count = async (table: string, column: string): Promise<number> => {
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(list)})`.execute(db);
    return Number(rows[0]?.n ?? 0);
  };
  return {
    messages: await count('messages', 'id'),
    edits: await count('messages', 'target_id'),
    quotes: await count('messages', 'reply_to_id'),
    reactions: await count('reactions', 'message_id'),
    message_mentions: await count('message_mentions', 'message_id'),
    thread_participants: await count('thread_participants', 'root_id'),
    reports: await count('reports', 'message_id'),
    file_refs: await count('file_refs', 'message_id'),
    calls: await count('calls', 'message_id'),
  };
}
