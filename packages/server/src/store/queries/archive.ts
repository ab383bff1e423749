/**
 * The time-ordered archive (XMPP MAM): messages and update entries, never system
 * entries, ordered by (created_at, seq, id) and keyset-paged on that triple. Scoped
 * to one conversation the reader is a member of, or to every direct conversation
 * they belong to (the "personal archive"). Membership is joined in the query, so a
 * page never holds anything the reader may not read.
 */
import type { Message } from '@parley/protocol';
import type { ArchiveKey, ArchiveRange } from '../../ports/store';
import type { QueryContext } from './context';
import { decorate } from './decorate';

type Db = QueryContext['db'];

function tuple(key: ArchiveKey): [number, number, string] {
  return [key.createdAt, key.seq, key.id];
}

export async function listArchive(db: Db, userId: string, range: ArchiveRange): Promise<Message[]> {
  const limit = Math.max(0, Math.trunc(range.limit));
  if (limit === 0) return [];
  let query = db
    .selectFrom('messages as m')
    .innerJoin('members as mb', (join) =>
      join.onRef('mb.conversation_id', '=', 'm.conversation_id').on('mb.user_id', '=', userId),
    )
    .selectAll('m')
    .where('m.kind', '!=', 'system');
  if (range.conversationId !== undefined) {
    query = query.where('m.conversation_id', '=', range.conversationId);
  } else {
    query = query.innerJoin('conversations as c', 'c.id', 'm.conversation_id').where('c.kind', '=', 'direct');
  }
  if (range.start !== undefined) query = query.where('m.created_at', '>=', range.start);
  if (range.end !== undefined) query = query.where('m.created_at', '<=', range.end);
  const { after, before } = range;
  if (after) {
    query = query.where((eb) => eb(eb.refTuple('m.created_at', 'm.seq', 'm.id'), '>', eb.tuple(...tuple(after))));
  }
  if (before) {
    query = query.where((eb) => eb(eb.refTuple('m.created_at', 'm.seq', 'm.id'), '<', eb.tuple(...tuple(before))));
  }
  const direction = range.fromEnd ? 'desc' : 'asc';
  const rows = await query
    .orderBy('m.created_at', direction)
    .orderBy('m.seq', direction)
    .orderBy('m.id', direction)
    .limit(limit)
    .execute();
  return decorate(db, range.fromEnd ? rows.reverse() : rows);
}
