/**
 * UploadStaging over a tus data store (FileStore on disk, S3Store in a bucket):
 * what the file service needs of uploads in progress, and nothing of tus.
 */
import type { DataStore } from '@tus/server';
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

export class TusUploadStaging implements UploadStaging {
  constructor(private readonly store: DataStore) {
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
}
