/**
 * Where uploads in progress live until they finish (the tus data store: local
 * disk or S3 multipart uploads). The file service reads a finished upload once,
 * stores what it keeps in the BlobStore, and removes the staged copy.
 */
import type { Readable } from 'node:stream';

export interface UploadStaging {
  /** The bytes of a finished upload. */
  read(uploadId: string): Promise<Readable>;
  /** Idempotent. */
  remove(uploadId: string): Promise<void>;
}
