/** The BlobStore contract on local disk: a temp folder, removed afterwards. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { LocalBlobStore } from './blob-local';
import { blobStoreContract } from './blob-store.contract';

blobStoreContract('local', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-blob-'));
  const store = new LocalBlobStore(path.join(dir, 'files'));
  await store.start();
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

it('removes temporary files left by a crash when it starts', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-blob-'));
  try {
    const store = new LocalBlobStore(dir);
    await store.start();
    await store.put('k/keep', Buffer.from('x'));
    await writeFile(path.join(dir, 'k', '.tmp-abc'), 'half');
    await store.start();
    expect(await readdir(path.join(dir, 'k'))).toEqual(['keep']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
