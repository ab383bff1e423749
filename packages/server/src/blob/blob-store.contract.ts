/**
 * The BlobStore contract: one suite that every implementation passes (local disk
 * and S3-compatible storage), against the real thing.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../ports/blob-store';

export type MakeBlobStore = () => Promise<{ store: BlobStore; cleanup: () => Promise<void> }>;

async function read(store: BlobStore, key: string, range?: { start: number; end: number }): Promise<string> {
  const stream = await store.get(key, range);
  if (!stream) throw new Error(`missing ${key}`);
  return (await buffer(stream)).toString('utf8');
}

export function blobStoreContract(name: string, make: MakeBlobStore): void {
  describe(`BlobStore contract (${name})`, () => {
    let opened: Awaited<ReturnType<MakeBlobStore>> | undefined;
    const store = (): BlobStore => {
      if (!opened) throw new Error('not opened');
      return opened.store;
    };
    beforeAll(async () => {
      opened = await make();
    });
    afterAll(async () => {
      await opened?.cleanup();
    });

    it('stores bytes from a buffer and from a stream, and reads them back', async () => {
      expect(await store().put('a/one.bin', Buffer.from('hello world'))).toBe(11);
      expect(await read(store(), 'a/one.bin')).toBe('hello world');
      const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
      expect(await store().put('a/two.bin', Readable.from([big.subarray(0, 1000), big.subarray(1000)]))).toBe(
        big.length,
      );
      const back = await store().get('a/two.bin');
      expect(Buffer.compare(await buffer(back!), big)).toBe(0);
    });

    it('reads an inclusive byte range', async () => {
      await store().put('range/r.txt', Buffer.from('0123456789'));
      expect(await read(store(), 'range/r.txt', { start: 2, end: 5 })).toBe('2345');
      expect(await read(store(), 'range/r.txt', { start: 9, end: 9 })).toBe('9');
    });

    it('replaces a blob put twice under one key', async () => {
      await store().put('re/x', Buffer.from('first'));
      await store().put('re/x', Buffer.from('second!'));
      expect(await read(store(), 're/x')).toBe('second!');
      expect((await store().stat('re/x'))?.size).toBe(7);
    });

    it('answers undefined for a missing key and deletes idempotently', async () => {
      expect(await store().get('nope/missing')).toBeUndefined();
      expect(await store().stat('nope/missing')).toBeUndefined();
      await store().put('del/d', Buffer.from('x'));
      await store().delete('del/d');
      await store().delete('del/d');
      expect(await store().stat('del/d')).toBeUndefined();
    });

    it('lists by prefix and by age', async () => {
      await store().put('list/b', Buffer.from('bb'));
      await store().put('list/a', Buffer.from('a'));
      await store().put('other/c', Buffer.from('c'));
      const listed = await store().list('list/');
      expect(listed.map((b) => [b.key, b.size])).toEqual([
        ['list/a', 1],
        ['list/b', 2],
      ]);
      const stat = await store().stat('list/a');
      expect(stat!.modifiedAt).toBeGreaterThan(0);
      expect(await store().list('list/', { olderThan: stat!.modifiedAt - 60_000 })).toEqual([]);
      expect((await store().list('list/', { olderThan: Date.now() + 60_000 })).length).toBe(2);
    });

    it('refuses keys that could escape its root', async () => {
      await expect(store().put('../evil', Buffer.from('x'))).rejects.toThrow(/invalid blob key/);
      await expect(store().get('/abs')).rejects.toThrow(/invalid blob key/);
      await expect(store().delete('a/../../b')).rejects.toThrow(/invalid blob key/);
    });
  });
}
