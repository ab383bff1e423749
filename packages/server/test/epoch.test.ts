/**
 * Cursors carry the store's epoch (issue 11): a client whose cursors come from
 * another store, or from this store before a backup was restored, is told to start
 * over (`reset`) instead of silently skipping the entries that now carry the seqs
 * it had already seen.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient, type Message, type ParleyClient } from '@parley/sdk/node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, openAdmin, startServer, type RunningServer } from '../src';
import { silentLogger } from '../src/observability/logger';
import { freePort } from './process';

const dirs: string[] = [];
const clients: ParleyClient[] = [];
let running: RunningServer | undefined;
afterAll(async () => {
  clients.forEach((c) => c.close());
  await running?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function serve(dataDir: string, port: number): Promise<RunningServer> {
  const config = loadConfig({}, { host: '127.0.0.1', port, dataDir, logLevel: 'silent', xmppPort: -1 });
  running = await startServer(config, { logger: silentLogger() });
  return running;
}

function client(url: string): ParleyClient {
  const c = createNodeClient({ baseUrl: url, backoff: { initialDelayMs: 50, maxDelayMs: 200 }, receiptBatchMs: 20 });
  clients.push(c);
  return c;
}

const texts = (messages: Message[]) => messages.flatMap((m) => (m.content.type === 'text' ? [m.content.text] : []));
const files = ['parley.db', 'parley.db-wal', 'parley.db-shm'];

describe('store epochs', () => {
  it('resets a client whose cursors are beyond a restored backup, and then delivers the new entries', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-epoch-'));
    const backup = mkdtempSync(path.join(tmpdir(), 'parley-epoch-backup-'));
    dirs.push(dataDir, backup);
    const port = await freePort();
    let server = await serve(dataDir, port);
    const alice = client(server.url);
    const bob = client(server.url);
    await alice.register({ username: 'alice', password: 'epoch password' });
    await bob.register({ username: 'bob', password: 'epoch password' });
    const direct = await alice.conversations.createDirect(bob.user!.id);
    const inbox: Message[] = [];
    const resets: string[] = [];
    bob.on('message', (m) => inbox.push(m));
    bob.on('reset', ({ epoch }) => resets.push(epoch));
    await Promise.all([alice.connect(), bob.connect()]);
    await alice.messages.send(direct.id, 'one');
    await alice.messages.send(direct.id, 'two');
    await expect.poll(() => texts(inbox)).toEqual(['one', 'two']);
    const epochBefore = bob.epoch();
    expect(epochBefore).toBeTruthy();

    // A backup now (the server stopped, its files copied), then more traffic.
    await server.stop();
    for (const file of files) {
      if (existsSync(path.join(dataDir, file))) copyFileSync(path.join(dataDir, file), path.join(backup, file));
    }
    server = await serve(dataDir, port);
    for (const text of ['three', 'four', 'five']) await alice.messages.send(direct.id, text);
    await expect.poll(() => texts(inbox), { timeout: 15_000 }).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(bob.cursors()[direct.id]).toBe(5);

    // Disaster: the store is restored from the backup (seq 2 is its last), same epoch.
    await server.stop();
    for (const file of files) rmSync(path.join(dataDir, file), { force: true });
    for (const file of files) {
      if (existsSync(path.join(backup, file))) copyFileSync(path.join(backup, file), path.join(dataDir, file));
    }
    inbox.length = 0;
    await serve(dataDir, port); // stopped by afterAll
    await expect.poll(() => resets, { timeout: 15_000 }).toEqual([epochBefore]);
    // Started over like a new device: at the store's own position (older entries are history).
    await expect.poll(() => bob.cursors()[direct.id], { timeout: 15_000 }).toBe(2);

    // Seq 3 is a new message now: delivered, not taken for the lost "three".
    await alice.messages.send(direct.id, 'after the restore');
    await expect.poll(() => texts(inbox), { timeout: 15_000 }).toEqual(['after the restore']);
  });

  it('resets every client when the operator rotates the epoch (`parley store rotate-epoch`)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-epoch-'));
    dirs.push(dataDir);
    const server = await serve(dataDir, await freePort());
    const first = client(server.url);
    await first.register({ username: 'carol', password: 'epoch password' });
    const group = await first.conversations.createGroup('notes', []);
    await first.connect();
    await first.messages.send(group.id, 'kept');
    await expect.poll(() => first.cursors()[group.id]).toBe(2);
    // What an app persists, then hands back at its next start.
    const saved = { token: first.token!, cursors: first.cursors(), epoch: first.epoch()! };
    first.close();
    const admin = await openAdmin(server.config);
    const rotated = await admin.services.sync.rotateEpoch().finally(() => admin.close());
    expect(rotated).not.toBe(saved.epoch);
    const carol = createNodeClient({ baseUrl: server.url, ...saved });
    clients.push(carol);
    const resets: string[] = [];
    carol.on('reset', ({ epoch }) => resets.push(epoch));
    await carol.connect();
    expect(resets).toEqual([rotated]);
    expect(carol.epoch()).toBe(rotated);
    await server.stop();
    running = undefined;
  });
});
