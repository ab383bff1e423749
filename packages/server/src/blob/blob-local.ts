/**
 * LocalBlobStore: blobs as files under one folder (by default `<data>/files`). A
 * put writes a temporary file, fsyncs it and renames it into place, so a reader
 * never sees half a blob and a crash leaves at most a `.tmp-*` file (removed by
 * the next start). It must not know what the bytes are.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, type BlobInfo, type BlobStore, type ByteRange } from '../ports/blob-store';

const TMP_PREFIX = '.tmp-';

export class LocalBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  /** Creates the folder and removes temporary files a crash left behind. */
  async start(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    for (const entry of await readdir(this.root, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.startsWith(TMP_PREFIX)) {
        await rm(path.join(entry.parentPath, entry.name), { force: true });
      }
    }
  }

  private file(key: string): string {
    assertBlobKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Readable | Uint8Array): Promise<number> {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `${TMP_PREFIX}${randomBytes(6).toString('hex')}`);
    try {
      await pipeline(body instanceof Uint8Array ? Readable.from([body]) : body, createWriteStream(tmp));
      const handle = await open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    return (await stat(target)).size;
  }

  async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    const file = this.file(key);
    if (!(await this.stat(key))) return undefined;
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    try {
      const info = await stat(this.file(key));
      return info.isFile() ? { key, size: info.size, modifiedAt: Math.floor(info.mtimeMs) } : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  async list(prefix: string, options: { olderThan?: number } = {}): Promise<BlobInfo[]> {
    let entries;
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const out: BlobInfo[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.startsWith(TMP_PREFIX)) continue;
      const key = path.relative(this.root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      if (!key.startsWith(prefix)) continue;
      const info = await this.stat(key);
      if (info && (options.olderThan === undefined || info.modifiedAt < options.olderThan)) out.push(info);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }
}
