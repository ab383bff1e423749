/**
 * Contract: link previews (0024-link-previews, ADR 0017). A message sent without previews
 * keeps the flag; previews written with an update entry's seq show on the message (and
 * its rev moves); removing them sets the flag for good; a tombstone has none. The cache
 * stores a preview or "none" per URL, replaces an entry, and prunes old ones only.
 */
import type { LinkPreview } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { applyChange } from './updates';
import { type Harness, newGroup, newMessage, newUser, uid } from './harness';

export function linkPreviewsContract(h: Harness): void {
  describe('link previews', () => {
    const preview: LinkPreview = {
      url: 'https://example.org/a',
      title: 'A page',
      siteName: 'example.org',
      image: { url: `/v1/link-previews/images/${'a'.repeat(64)}.webp`, width: 480, height: 252 },
    };

    it('keeps the off flag, attaches and removes previews with the update seq, and drops them on delete', async () => {
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      const off = await h.store.appendMessage({
        ...newMessage(group.id, owner.id, 'no previews'),
        linkPreviewsOff: true,
      });
      expect(off.message.linkPreviewsOff).toBe(true);
      expect((await h.store.getMessage(off.message.id))?.linkPreviewsOff).toBe(true);

      const { message } = await h.store.appendMessage(newMessage(group.id, owner.id, 'https://example.org/a'));
      expect(message.linkPreviews).toBeUndefined();
      const set = await applyChange(
        h.store,
        owner.id,
        message,
        { action: 'link_previews.set', linkPreviews: [preview] },
        (tx, rev) => tx.setLinkPreviews(message.id, [preview], false, rev),
      );
      expect(await h.store.getMessage(message.id)).toMatchObject({ linkPreviews: [preview], rev: set.seq });
      expect(
        (await h.store.listMessages(group.id, { limit: 50 })).find((m) => m.id === message.id)?.linkPreviews,
      ).toEqual([preview]);
      const removed = await applyChange(h.store, owner.id, message, { action: 'link_previews.removed' }, (tx, rev) =>
        tx.setLinkPreviews(message.id, [], true, rev),
      );
      const after = await h.store.getMessage(message.id);
      expect(after).toMatchObject({ linkPreviewsOff: true, rev: removed.seq });
      expect(after?.linkPreviews).toBeUndefined();

      const other = (await h.store.appendMessage(newMessage(group.id, owner.id, 'https://example.org/b'))).message;
      await applyChange(h.store, owner.id, other, { action: 'link_previews.set', linkPreviews: [preview] }, (tx, rev) =>
        tx.setLinkPreviews(other.id, [preview], false, rev),
      );
      await applyChange(h.store, owner.id, other, { action: 'deleted' }, (tx, rev, at) =>
        tx.deleteMessage(other.id, at, rev),
      );
      expect((await h.store.getMessage(other.id))?.linkPreviews).toBeUndefined();
    });

    it('caches a preview or none per URL, replaces entries and prunes only old ones', async () => {
      const url = `https://example.org/${uid('page')}`;
      const none = `https://example.org/${uid('none')}`;
      expect(await h.store.getCachedLinkPreview(url)).toBeUndefined();
      await h.store.putCachedLinkPreview({ url, preview: { ...preview, url }, fetchedAt: 1000 });
      await h.store.putCachedLinkPreview({ url: none, preview: null, fetchedAt: 5000 });
      expect(await h.store.getCachedLinkPreview(url)).toEqual({ url, preview: { ...preview, url }, fetchedAt: 1000 });
      expect(await h.store.getCachedLinkPreview(none)).toEqual({ url: none, preview: null, fetchedAt: 5000 });
      await h.store.putCachedLinkPreview({ url, preview: null, fetchedAt: 2000 });
      expect(await h.store.getCachedLinkPreview(url)).toEqual({ url, preview: null, fetchedAt: 2000 });
      expect(await h.store.pruneLinkPreviewCache(3000, 100)).toBeGreaterThanOrEqual(1);
      expect(await h.store.getCachedLinkPreview(url)).toBeUndefined();
      expect(await h.store.getCachedLinkPreview(none)).toBeDefined();
    });
  });
}
