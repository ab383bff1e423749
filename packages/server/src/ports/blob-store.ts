/**
 * The blob-store port: where file bytes live (uploads, thumbnails). Keys are
 * relative paths of `[A-Za-z0-9_.-]` segments joined by `/`; the store never sees
 * user-chosen names. Implementations (blob/) pass blob/blob-store.contract.ts:
 * local disk under the data folder, and S3-compatible object storage.
 */
import type { Readable } from 'node:stream';

export interface BlobInfo {
  key: string;
  size: number;
  /** Last modification, epoch milliseconds. */
  modifiedAt: number;
}

/** Inclusive byte range, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /** Stores the bytes under `key`, replacing any previous blob; resolves once durable. Returns the size. */
  put(key: string, body: Readable | Uint8Array): Promise<number>;
  /** The bytes of `key` (or of the inclusive range); undefined when the key does not exist. */
  get(key: string, range?: ByteRange): Promise<Readable | undefined>;
  stat(key: string): Promise<BlobInfo | undefined>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every blob whose key starts with `prefix`, modified before `olderThan` when given. */
  list(prefix: string, options?: { olderThan?: number }): Promise<BlobInfo[]>;
}

const keyPattern = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Rejects keys that could escape the store's root (`..`, absolute paths, odd characters). */
export function assertBlobKey(key: string): void {
  if (!keyPattern.test(key) || key.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
  }
}
