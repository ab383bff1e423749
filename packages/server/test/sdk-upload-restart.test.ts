/**
 * The SDK when the node staging its upload dies: two servers on one store stand
 * for two cluster nodes, behind a small HTTP router in this test that plays the
 * load balancer (uploads go to the node their URL names, everything else to the
 * first node while it lives). The first node "dies" in the middle of the upload,
 * and the router answers the resumption 502, as haproxy does for a node that died
 * mid-connection: tus starts over on the other node, and the SDK cancels the
 * abandoned upload there, so that its record goes and the quota is given back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSqlite, type SqliteConnection } from '../src/store/sqlite/open-sqlite';
import { randomBytesOf } from './files-helpers';
import { registerUser, startTestServer, type TestServer } from './harness';

const MiB = 1024 * 1024;
let na: TestServer;
let nb: TestServer;
let db: SqliteConnection;
let client: ParleyClient | undefined;
beforeAll(async () => {
  na = await startTestServer({ nodeId: 'na', fileCleanupIntervalSeconds: 0, userQuotaBytes: 5 * MiB });
  const sqlitePath = path.join(na.dataDir, 'parley.db');
  nb = await startTestServer({ nodeId: 'nb', sqlitePath, fileCleanupIntervalSeconds: 0, userQuotaBytes: 5 * MiB });
  db = openSqlite(sqlitePath, { readonly: true });
});
afterAll(async () => {
  client?.close();
  db.close();
  await nb.stop();
  await na.stop();
});

/** The load balancer: na until it dies after `cutAfter` bytes of upload, then nb. */
async function router(cutAfter: number) {
  const state = { naDown: false, uploadBytesToNa: 0, badGateways: 0 };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const forNa = url.startsWith('/v1/uploads/na/') || (!url.startsWith('/v1/uploads/nb/') && !state.naDown);
    if (forNa && state.naDown && req.method === 'HEAD') {
      state.badGateways += 1;
      res.writeHead(502).end();
      return;
    }
    const target = forNa && !state.naDown ? na : nb;
    const upstream = http.request(
      { host: '127.0.0.1', port: target.server.port, method: req.method, path: url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => {
      if (target !== na || req.method !== 'PATCH') return;
      state.uploadBytesToNa += chunk.length;
      if (state.uploadBytesToNa > cutAfter && !state.naDown) {
        // The node dies with the connection in the middle of the body.
        state.naDown = true;
        upstream.destroy();
        req.socket.destroy();
      }
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const records = (id: string) => db.prepare('select status from files where id = ?').all([id]) as { status: string }[];

it('starts over on a living node and cancels the upload it abandoned, giving the quota back', async () => {
  const lb = await router(1 * MiB);
  try {
    const auth = await registerUser(na.url, 'restart');
    client = createNodeClient({ baseUrl: lb.url, token: auth.token });
    const data = randomBytesOf(3 * MiB);
    const started: string[] = [];
    const { fileId } = await client.files.upload(data, {
      name: 'big.bin',
      retryDelays: [0, 100, 300],
      onProgress: () => {
        const id = (db.prepare('select id from files order by created_at').all([]) as { id: string }[]).at(-1)?.id;
        if (id !== undefined && !started.includes(id)) started.push(id);
      },
    });
    expect(lb.state.naDown).toBe(true);
    expect(lb.state.badGateways).toBeGreaterThanOrEqual(1);
    const abandoned = started[0]!;
    expect(fileId).not.toBe(abandoned);
    expect(records(fileId)).toEqual([{ status: 'ready' }]);
    // Cancelled through the other node (410 upload_unavailable there drops it): the quota is whole again.
    await expect.poll(() => records(abandoned), { timeout: 10_000 }).toEqual([]);
    const again = await client.files.upload(randomBytesOf(1.5 * MiB), { name: 'fits.bin' });
    expect(records(again.fileId)).toEqual([{ status: 'ready' }]);
  } finally {
    await lb.close();
  }
});
