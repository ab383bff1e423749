/**
 * Link previews (0024-link-previews): a message's attached previews, and the cache of
 * fetched URLs keyed by the URL's SHA-256.
 */
import { createHash } from 'node:crypto';
import type { LinkPreview } from '@parley/protocol';
import type { CachedLinkPreview } from '../../ports/link-preview-records';
import type { QueryContext } from './context';

type Db = QueryContext['db'];

const hashOf = (url: string) => createHash('sha256').update(url).digest('hex');

export async function setLinkPreviews(
  db: Db,
  id: string,
  previews: readonly LinkPreview[],
  off: boolean,
  rev: number,
): Promise<void> {
  await db
    .updateTable('messages')
    .set({
      link_previews: previews.length > 0 ? JSON.stringify(previews) : null,
      ...(off ? { link_previews_off: 1 } : {}),
      rev,
    })
    .where('id', '=', id)
    .execute();
}

export async function getCachedLinkPreview(db: Db, url: string): Promise<CachedLinkPreview | undefined> {
  const row = await db
    .selectFrom('link_preview_cache')
    .select(['url', 'result', 'fetched_at'])
    .where('url_hash', '=', hashOf(url))
    .executeTakeFirst();
  // A hash collision would need SHA-256 broken; the URL is compared anyway.
  if (!row || row.url !== url) return undefined;
  return {
    url: row.url,
    // Written only by putCachedLinkPreview from a LinkPreview the service made.
    preview: row.result === null ? null : (JSON.parse(row.result) as LinkPreview),
    fetchedAt: Number(row.fetched_at),
  };
}

export async function putCachedLinkPreview(db: Db, entry: CachedLinkPreview): Promise<void> {
  const values = {
    url_hash: hashOf(entry.url),
    url: entry.url,
    result: entry.preview === null ? null : JSON.stringify(entry.preview),
    fetched_at: entry.fetchedAt,
  };
  await db
    .insertInto('link_preview_cache')
    .values(values)
    .onConflict((oc) =>
      oc.column('url_hash').doUpdateSet({ url: values.url, result: values.result, fetched_at: values.fetched_at }),
    )
    .execute();
}

export async function pruneLinkPreviewCache(db: Db, before: number, limit: number): Promise<number> {
  const doomed = db
    .selectFrom('link_preview_cache')
    .select('url_hash')
    .where('fetched_at', '<', before)
    .orderBy('fetched_at')
    .limit(Math.max(0, Math.trunc(limit)));
  const result = await db.deleteFrom('link_preview_cache').where('url_hash', 'in', doomed).executeTakeFirst();
  return Number(result.numDeletedRows);
}
