/**
 * Uploads in progress in a cluster: each is staged on the disk of the node that
 * created it, and its URL names that node (`/v1/uploads/<node>/<id>`), which the
 * documented haproxy configuration routes back there. An upload whose connection
 * drops resumes through the proxy on its node; one whose node dies starts again
 * on another (the SDK does it by itself). Finished files live in the shared S3
 * store, so any node serves them.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ParleyClient } from '@parley/sdk/node';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pgTestUrl } from '../../src/store/postgres/test-database';
import { createUpload, interruptedPatch, offsetOf, patch, randomBytesOf } from '../files-helpers';
import { clusterAvailable, registerPerson, useCluster, type Cluster, type ClusterNode } from './harness';

const available = await clusterAvailable();
const clusterOf = useCluster(available);

const person = (client: ParleyClient, name: string) => registerPerson(client, name, 'cluster upload password');

const stagingDir = (node: ClusterNode) => path.join(node.dataDir, 'files', 'uploads');
const staged = (node: ClusterNode) =>
  existsSync(stagingDir(node)) ? readdirSync(stagingDir(node)).filter((f) => !f.includes('.')) : [];

/** Rows of the files table for one id, read straight from the cluster's PostgreSQL schema. */
async function fileRecords(c: Cluster, fileId: string): Promise<number> {
  const db = new pg.Client({ connectionString: pgTestUrl() });
  await db.connect();
  try {
    const result = await db.query(`select count(*)::int as n from "${c.schema}".files where id = $1`, [fileId]);
    return (result.rows[0] as { n: number }).n;
  } finally {
    await db.end();
  }
}

async function downloaded(client: ParleyClient, fileId: string): Promise<Buffer> {
  const response = await client.files.download(fileId);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe.skipIf(!available)('uploads in a cluster', () => {
  it('resumes an upload through the proxy on the node that staged it after its connection dropped', async () => {
    const c = clusterOf()!;
    const alice = await person(c.client(), 'alice');
    const bytes = randomBytesOf(2 * 1024 * 1024);
    const created = await createUpload(c.url, alice.token!, bytes.byteLength, { filename: 'big.bin' });
    expect(created.status).toBe(201);
    const [, , , nodeId, fileId] = created.location!.split('/');
    const home = c.nodes.find((node) => node.id === nodeId)!;
    expect(home).toBeDefined();
    expect(staged(home)).toContain(fileId);

    // A phone losing signal in the middle of a PATCH.
    await interruptedPatch(c.url, alice.token!, created.location!, 0, bytes, 1024 * 1024);
    // Every resumption, whatever connection it comes on, reaches the same node and the same offset.
    const offsets = [];
    for (let i = 0; i < 6; i++) offsets.push(await offsetOf(c.url, alice.token!, created.location!));
    const offset = offsets[0]!.offset;
    expect(offset).toBeGreaterThan(0);
    expect(offsets).toEqual(offsets.map(() => ({ status: 200, offset })));
    const done = await patch(c.url, alice.token!, created.location!, offset, bytes.subarray(offset));
    expect(done.status).toBe(204);
    expect(done.headers.get('parley-file-id')).toBe(fileId);

    // Finished: any node serves it to a member, from the shared store.
    const elsewhere = c.nodes.find((node) => node !== home)!;
    const bob = await person(c.client({ node: elsewhere }), 'bob');
    const direct = await alice.conversations.createDirect(bob.user!.id);
    await alice.connect();
    await alice.messages.sendFile(direct.id, fileId!);
    expect((await downloaded(bob, fileId!)).equals(bytes)).toBe(true);
    expect(staged(home)).not.toContain(fileId);
  });

  it(
    'starts an upload again on another node when the node staging it dies, and the SDK does it by itself',
    {
      timeout: 180_000,
    },
    async () => {
      const c = clusterOf()!;
      const carol = await person(c.client(), 'carol');
      const bytes = randomBytesOf(16 * 1024 * 1024);
      const before = new Map(c.nodes.map((node) => [node, new Set(staged(node))]));
      let killed: Promise<{ node: ClusterNode; fileId: string }> | undefined;
      const result = await carol.files.upload(bytes, {
        name: 'video.bin',
        chunkSize: 128 * 1024,
        retryDelays: [0, 200, 500, 1000],
        onProgress: (sent) => {
          if (killed || sent < 512 * 1024) return;
          // Mid-way: the node staging it dies (SIGKILL) while the rest is on its way.
          const [node, fileId] = c.nodes
            .flatMap((n) =>
              staged(n)
                .filter((f) => !before.get(n)!.has(f))
                .map((f) => [n, f] as const),
            )
            .at(0)!;
          killed = node.kill().then(() => ({ node, fileId }));
        },
      });
      expect(killed).toBeDefined();
      const { node: victim, fileId: lost } = await killed!;
      // A new upload, on a living node, with every byte.
      expect(result.fileId).not.toBe(lost);
      expect(result.size).toBe(bytes.byteLength);
      const dan = await person(c.client(), 'dan');
      const direct = await carol.conversations.createDirect(dan.user!.id);
      await carol.connect();
      await carol.messages.sendFile(direct.id, result.fileId);
      expect((await downloaded(dan, result.fileId)).equals(bytes)).toBe(true);
      // The SDK cancelled the upload it gave up: a living node dropped its record (its size is back in the quota).
      await expect.poll(() => fileRecords(c, lost), { timeout: 15_000 }).toBe(0);
      expect((await offsetOf(c.url, carol.token!, `/v1/uploads/${victim.id}/${lost}`)).status).toBe(404);

      await victim.start();
      await c.waitForState(victim, 'UP');
    },
  );
});
