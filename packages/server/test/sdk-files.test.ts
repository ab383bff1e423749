/**
 * Files through the SDK against a real server: tus-js-client uploads with
 * progress, a connection dropped mid-upload that resumes from the server's
 * offset (through a TCP proxy that cuts it), cancellation that frees the quota,
 * typed refusals, and a file message that another member fetches by signed link.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createNodeClient, ParleyError, type FileContent, type Message, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytesOf } from './files-helpers';
import { registerUser, startTestServer, type TestServer } from './harness';
import { storageBackends } from './storage-backends';

const MiB = 1024 * 1024;

/** A TCP proxy that, once, drops the first connection that has carried more than `cutAfter` bytes upstream. */
async function cuttingProxy(target: number, cutAfter: number) {
  const stats = { upstreamBytes: 0, cuts: 0, connections: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    stats.connections += 1;
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    let carried = 0;
    client.on('data', (chunk: Buffer) => {
      carried += chunk.length;
      stats.upstreamBytes += chunk.length;
      if (stats.cuts === 0 && carried > cutAfter) {
        stats.cuts += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.each(storageBackends)('files through the SDK on $name storage', (backend) => {
  let t: TestServer;
  let stopBackend: () => Promise<void>;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    const b = await backend.start();
    stopBackend = b.stop;
    t = await startTestServer({
      ...b.config,
      maxFileBytes: 6 * MiB,
      userQuotaBytes: 10 * MiB,
      fileCleanupIntervalSeconds: 0,
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.stop();
    await stopBackend();
  });

  async function user(baseUrl = t.url): Promise<ParleyClient> {
    const auth = await registerUser(t.url);
    const client = createNodeClient({ baseUrl, token: auth.token });
    clients.push(client);
    await client.connect();
    return client;
  }

  it('uploads with progress, sends, and lets the other member fetch it by signed link', async () => {
    const alice = await user();
    const bob = await user();
    const group = await alice.conversations.createGroup('Files', [bob.user!.id]);
    const received = new Promise<Message>((resolve) =>
      bob.on('message', (m) => {
        if (m.content.type === 'file') resolve(m);
      }),
    );
    const data = randomBytesOf(300_000);
    const progress: number[] = [];
    const { fileId } = await alice.files.upload(data, {
      name: 'report.bin',
      onProgress: (sent) => progress.push(sent),
    });
    expect(progress.at(-1)).toBe(data.length);
    const sent = await alice.messages.sendFile(group.id, fileId, { caption: 'numbers' });
    expect(sent.content).toMatchObject({
      type: 'file',
      fileId,
      name: 'report.bin',
      size: data.length,
      caption: 'numbers',
    });
    const message = await received;
    const content = message.content as FileContent;
    const url = await bob.files.url(content.fileId);
    expect(url.startsWith(t.url)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), data)).toBe(0);
    const ranged = await bob.files.download(content.fileId, { range: 'bytes=0-9' });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(data.subarray(0, 10));
  });

  it('survives a connection dropped mid-upload, resuming instead of starting over', async () => {
    const proxy = await cuttingProxy(t.server.port, 2 * MiB);
    try {
      const alice = await user(proxy.url);
      const data = randomBytesOf(4 * MiB);
      const { fileId } = await alice.files.upload(data, { name: 'video.bin', retryDelays: [0, 100, 500] });
      expect(proxy.stats.cuts).toBe(1);
      // Starting over would have sent the 2 MiB before the cut plus all 4 MiB again.
      expect(proxy.stats.upstreamBytes).toBeLessThan(5.5 * MiB);
      const back = await alice.files.download(fileId);
      expect(Buffer.compare(Buffer.from(await back.arrayBuffer()), data)).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('cancels an upload on abort and gives the quota back', async () => {
    const alice = await user();
    const controller = new AbortController();
    const upload = alice.files.upload(randomBytesOf(6 * MiB), {
      name: 'cancel.bin',
      chunkSize: 256 * 1024,
      onProgress: (sent) => {
        if (sent > 0) controller.abort(new Error('user cancelled'));
      },
      signal: controller.signal,
    });
    await expect(upload).rejects.toThrow('user cancelled');
    // 6 MiB more fits in the 10 MiB quota only if the cancelled 6 MiB were given back.
    await expect
      .poll(async () => {
        try {
          return (await alice.files.upload(randomBytesOf(6 * MiB), { name: 'again.bin' })).fileId;
        } catch (error) {
          return (error as ParleyError).code;
        }
      })
      .toMatch(/^f_/);
  });

  it('reports refusals as typed errors before sending the bytes', async () => {
    const alice = await user();
    const error = await alice.files.upload(randomBytesOf(6 * MiB + 1), { name: 'big.bin' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('file_too_large');
    expect((error as ParleyError).details).toMatchObject({ maxFileBytes: 6 * MiB });
    const notMine = await alice.messages
      .sendFile((await alice.conversations.createGroup('x')).id, 'f_nosuchfile')
      .catch((e: unknown) => e);
    expect((notMine as ParleyError).code).toBe('not_found');
  });
});
