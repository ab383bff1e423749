/**
 * openFileStorage: the file adapters main.ts uses, from configuration. Finished
 * files (and thumbnails) go to the BlobStore: `<filesDir>/blobs` on local disk, or
 * `files/` and `thumbs/` of the S3 bucket. Uploads in progress always stage on
 * this node's disk under `<filesDir>/uploads` (tus FileStore): @tus/s3-store needs
 * S3 ListParts, which the S3-compatible server our tests run (s3rver) lacks, so it
 * could not be tested here. In a cluster, an upload's URL names its node and the
 * load balancer routes it back there, or every node mounts one shared folder
 * (docs/operations.md). Also the key that signs download links.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { FileStore } from '@tus/file-store';
import type { DataStore } from '@tus/server';
import type { Config } from '../config/schema';
import type { BlobStore } from '../ports/blob-store';
import type { UploadStaging } from '../ports/upload-staging';
import { LocalBlobStore } from './blob-local';
import { TusUploadStaging } from './upload-staging-tus';

export interface FileStorage {
  blobs: BlobStore;
  /** The tus data store (for the HTTP gateway). */
  uploads: DataStore;
  staging: UploadStaging;
  close(): void;
}

export type FileStorageConfig = Pick<
  Config,
  | 'storage'
  | 'filesDir'
  | 's3Bucket'
  | 's3Endpoint'
  | 's3Region'
  | 's3AccessKeyId'
  | 's3SecretAccessKey'
  | 's3PathStyle'
>;

export function s3ClientConfig(config: FileStorageConfig): S3ClientConfig {
  return {
    region: config.s3Region,
    forcePathStyle: config.s3PathStyle === 'true',
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
    ...(config.s3AccessKeyId && config.s3SecretAccessKey
      ? { credentials: { accessKeyId: config.s3AccessKeyId, secretAccessKey: config.s3SecretAccessKey } }
      : {}),
  };
}

export async function openFileStorage(config: FileStorageConfig): Promise<FileStorage> {
  const root = config.filesDir ?? 'data/files';
  await mkdir(path.join(root, 'uploads'), { recursive: true });
  // No tus expiration extension: the file service expires uploads itself (its records say which
  // are unfinished), and with it @tus/server re-reads an upload after finishing it, which the
  // service has removed by then.
  const uploadsDir = path.join(root, 'uploads');
  const uploads = new FileStore({ directory: uploadsDir });
  const staging = new TusUploadStaging(uploads, uploadsDir);
  if (config.storage === 's3') {
    // Loaded only when used: the AWS SDK takes a while to import, and most servers never need it.
    const { S3BlobStore } = await import('./blob-s3');
    const blobs = new S3BlobStore({ bucket: config.s3Bucket ?? '', client: s3ClientConfig(config) });
    return { blobs, uploads, staging, close: () => blobs.close() };
  }
  const blobs = new LocalBlobStore(path.join(root, 'blobs'));
  await blobs.start();
  return { blobs, uploads, staging, close: () => undefined };
}

/** PARLEY_FILE_LINK_SECRET, or a random key kept in `<dataDir>/file-link.key` (created once, mode 0600). */
export async function loadLinkSecret(config: Pick<Config, 'fileLinkSecret' | 'dataDir'>): Promise<string> {
  if (config.fileLinkSecret) return config.fileLinkSecret;
  const file = path.join(config.dataDir, 'file-link.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // 'wx': if another process created it meanwhile, use theirs.
  await writeFile(file, secret, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return (await readFile(file, 'utf8')).trim();
}
