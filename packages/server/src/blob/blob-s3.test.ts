/** The BlobStore contract on S3: a real S3-compatible server (s3rver) on loopback. */
import { S3BlobStore } from './blob-s3';
import { blobStoreContract } from './blob-store.contract';
import { startS3TestServer } from './s3-test-server';

blobStoreContract('s3', async () => {
  const s3 = await startS3TestServer();
  const store = new S3BlobStore({
    bucket: s3.bucket,
    prefix: 'parley/',
    client: { endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials },
  });
  return {
    store,
    cleanup: async () => {
      store.close();
      await s3.stop();
    },
  };
});
