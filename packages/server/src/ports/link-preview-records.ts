/**
 * What the store keeps for link previews (ADR 0017): the previews attached to a
 * message (written inside the transaction that appends their `update` entry) and a
 * cache of fetched URLs, so that a URL posted again within the cache's lifetime is
 * not fetched again.
 */
import type { LinkPreview } from '@parley/protocol';

export interface CachedLinkPreview {
  url: string;
  /** null: the page was fetched but gave no preview (or could not be fetched). */
  preview: LinkPreview | null;
  fetchedAt: number;
}

export interface LinkPreviewRecords {
  /**
   * Inside the service's transaction, which appended the `update` entry whose seq is `rev`:
   * the message's previews (empty: none) and, when `off`, the sender's wish for none.
   */
  setLinkPreviews(messageId: string, previews: readonly LinkPreview[], off: boolean, rev: number): Promise<void>;
  getCachedLinkPreview(url: string): Promise<CachedLinkPreview | undefined>;
  /** Inserts or replaces the URL's entry. */
  putCachedLinkPreview(entry: CachedLinkPreview): Promise<void>;
  /** Deletes up to `limit` entries fetched before `before`; returns how many went. */
  pruneLinkPreviewCache(before: number, limit: number): Promise<number>;
}
