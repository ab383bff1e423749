/**
 * The two file storage backends the file tests run on: local disk, and a real
 * S3-compatible server (s3rver on loopback) started per suite.
 */
import { startS3TestServer } from '../src/blob/s3-test-server';
import type { Config } from '../src';

export interface StorageBackend {
  name: string;
  /** Config overrides for startTestServer, and how to stop what the backend started. */
  start(): Promise<{ config: Partial<Config>; stop: () => Promise<void> }>;
}

export const storageBackends: StorageBackend[] = [
  { name: 'local', start: () => Promise.resolve({ config: {}, stop: () => Promise.resolve() }) },
  {
    name: 's3',
    start: async () => {
      const s3 = await startS3TestServer();
      return {
        config: {
          storage: 's3',
          s3Bucket: s3.bucket,
          s3Endpoint: s3.endpoint,
          s3AccessKeyId: s3.credentials.accessKeyId,
          s3SecretAccessKey: s3.credentials.secretAccessKey,
          s3PathStyle: 'true',
        },
        stop: () => s3.stop(),
      };
    },
  },
];
