/**
 * Where uploads in progress live until they finish (the tus data store: local
 * disk or S3 multipart uploads). The file service reads a finished upload once,
 * stores what it keeps in the BlobStore, and removes the staged copy.
 */
import type { Readable } from 'node:stream';

export interface StagedUpload {
  /** Declared length (undefined while deferred, which the server refuses anyway). */
  size: number | undefined;
  /** Bytes received. */
  offset: number;
  metadata: Record<string, string | null | undefined>;
}

export interface UploadStaging {
  /** What has arrived of an upload; undefined when it does not exist (any more). */
  info(uploadId: string): Promise<StagedUpload | undefined>;
  /** The bytes of a finished upload. */
  read(uploadId: string): Promise<Readable>;
  /** Idempotent. */
  remove(uploadId: string): Promise<void>;
}
