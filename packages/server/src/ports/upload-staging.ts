/**
 * Where uploads in progress live until they finish (the tus data store: local
 * disk or S3 multipart uploads). The file service reads a finished upload once,
 * stores what it keeps in the BlobStore, and removes the staged copy. Staging is
 * per node (its disk): in a cluster an upload goes back to the node that created
 * it (its URL names the node), unless every node mounts the same folder.
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
  /**
   * Uploads staged here that nothing has written to since `before` (epoch ms): what
   * the cleanup checks against the records (another node may have dropped theirs).
   */
  listIdle(before: number): Promise<string[]>;
}
