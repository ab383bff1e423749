/**
 * Full-text search over the dialect's index (StoreDialect.search): the index
 * answers ids in order, with the membership and filters applied in the same
 * query; this module loads those messages as a page would (reactions, thread
 * summaries) and keeps the index's order. Highlighting is the service's job.
 */
import type { Message } from '@parley/protocol';
import type { SearchQuery } from '../../ports/store';
import type { QueryContext } from './context';
import { decorate } from './decorate';

export async function searchMessages({ db, dialect }: QueryContext, query: SearchQuery): Promise<Message[]> {
  const ids = await dialect.search.query(db, query);
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('messages').selectAll().where('id', 'in', ids).execute();
  const byId = new Map((await decorate(db, rows)).map((message) => [message.id, message]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
