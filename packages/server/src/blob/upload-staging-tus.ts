/**
 * UploadStaging over a tus data store (FileStore on disk, S3Store in a bucket):
 * what the file service needs of uploads in progress, and nothing of tus. With a
 * FileStore, `directory` is its folder (`<id>` holds the bytes, `<id>.json` the
 * upload's details), listed for the cleanup.
 */
import type { DataStore } from '@tus/server';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { StagedUpload, UploadStaging } from '../ports/upload-staging';

interface Readable_ {
  read(id: string): Readable | Promise<Readable>;
}

function canRead(store: DataStore): store is DataStore & Readable_ {
  return typeof (store as Partial<Readable_>).read === 'function';
}

function isGone(error: unknown): boolean {
  const status = (error as { status_code?: number }).status_code;
  const code = (error as NodeJS.ErrnoException).code;
  return status === 404 || code === 'ENOENT' || code === 'NoSuchKey';
}

/** tus FileStore ids are the file service's (`newId`): never a dot, so `<id>.json` is not one. */
const UPLOAD_ID = /^[A-Za-z0-9_-]+$/;

export class TusUploadStaging implements UploadStaging {
  constructor(
    private readonly store: DataStore,
    private readonly directory?: string,
  ) {
    if (!canRead(store)) throw new Error('the tus data store cannot read uploads back');
  }

  async info(uploadId: string): Promise<StagedUpload | undefined> {
    try {
      const upload = await this.store.getUpload(uploadId);
      return { size: upload.size, offset: upload.offset, metadata: upload.metadata ?? {} };
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  }

  async read(uploadId: string): Promise<Readable> {
    const stream = await (this.store as DataStore & Readable_).read(uploadId);
    // S3's body is a web-compatible stream on some runtimes: normalize to a Node stream.
    return stream instanceof Readable ? stream : Readable.from(stream as AsyncIterable<Uint8Array>);
  }

  async remove(uploadId: string): Promise<void> {
    try {
      await this.store.remove(uploadId);
    } catch (error) {
      // Already gone (finished and removed, terminated, expired): removing is idempotent.
      if (!isGone(error)) throw error;
    }
  }

  async listIdle(before: number): Promise<string[]> {
    if (this.directory === undefined) return [];
    const idle: string[] = [];
    for (const name of await readdir(this.directory)) {
      if (!UPLOAD_ID.test(name)) continue;
      const info = await stat(path.join(this.directory, name)).catch(() => undefined);
      if (info?.isFile() && info.mtimeMs < before) idle.push(name);
    }
    return idle;
  }
}
