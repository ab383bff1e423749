/**
 * Calls across a server crash (issue 14): the real `parley start` is killed with
 * SIGKILL in the middle of two answered calls. Media never went through the server,
 * so a call whose two devices come back within PARLEY_CALL_RECONNECT_SECONDS goes on
 * and ends normally; a call whose devices never come back ends as `disconnected`,
 * and its record (answered, with a duration up to the last moment both devices were
 * seen, never the restart time) is written by the new process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient, type Call, type ParleyClient } from '@parley/sdk/node';
import type { CallContent } from '@parley/protocol';
import { afterAll, expect, it } from 'vitest';
import { freePort, spawnServer, type ServerProcess } from './process';

const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-calls-restart-'));
let server: ServerProcess | undefined;
const clients: ParleyClient[] = [];

afterAll(async () => {
  clients.forEach((c) => c.close());
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('leaves correct call records when the server is killed mid-call', { timeout: 90_000 }, async () => {
  const port = await freePort();
  const env = {
    PARLEY_PORT: String(port),
    PARLEY_DATA_DIR: dataDir,
    PARLEY_XMPP_PORT: '-1',
    PARLEY_CALL_RECONNECT_SECONDS: '3',
    PARLEY_CALL_SWEEP_MS: '100',
  };
  server = await spawnServer(env);
  const baseUrl = `http://127.0.0.1:${port}`;
  const person = async (name: string) => {
    const client = createNodeClient({ baseUrl, backoff: { initialDelayMs: 100, maxDelayMs: 300 } });
    await client.register({ username: name, password: 'calls restart password' });
    await client.connect();
    clients.push(client);
    return client;
  };
  const [alice, bob, carol, dave] = [
    await person('alice'),
    await person('bob'),
    await person('carol'),
    await person('dave'),
  ];
  const lost = await alice.conversations.createDirect(bob.user!.id);
  const kept = await carol.conversations.createDirect(dave.user!.id);

  const lostCall = await alice.calls.start(lost.id, 'video');
  const answeredLost = await bob.calls.accept(lostCall.id);
  const keptCall = await carol.calls.start(kept.id, 'audio');
  const answeredKept = await dave.calls.accept(keptCall.id);
  // Long enough for several sweeps to see both devices of each call connected.
  await new Promise((r) => setTimeout(r, 800));

  const killedAt = Date.now();
  server.child.kill('SIGKILL');
  await server.exited;
  // Alice's and Bob's devices never come back; Carol's and Dave's reconnect on their own.
  alice.close();
  bob.close();
  server = await spawnServer(env);

  // The call whose devices stayed away ends as disconnected, recorded as answered.
  const reader = createNodeClient({ baseUrl });
  clients.push(reader);
  await reader.login({ username: bob.user!.username, password: 'calls restart password' });
  const lostRecord = await until(async () => {
    const page = await reader.messages.history(lost.id, { limit: 50 });
    const content = page.messages.find((m) => m.id === lostCall.messageId)?.content as CallContent | undefined;
    return content?.status === 'answered' ? content : undefined;
  }, 'the lost call to end');
  expect(lostRecord.answeredAt).toBe(answeredLost.answeredAt);
  // It ends at the last moment both devices were seen (a sweep every 100 ms): before the kill,
  // well after the answer.
  expect(lostRecord.endedAt!).toBeLessThanOrEqual(killedAt);
  expect(lostRecord.endedAt!).toBeGreaterThanOrEqual(answeredLost.answeredAt! + 500);
  expect(lostRecord.durationMs).toBe(lostRecord.endedAt! - lostRecord.answeredAt!);

  // The call whose devices came back goes on past the reconnect window, then ends normally.
  await until(
    () => (carol.state.state === 'connected' && dave.state.state === 'connected' ? true : undefined),
    'reconnects',
  );
  await new Promise((r) => setTimeout(r, 3500));
  const open: Call[] = await carol.calls.list();
  expect(open.map((c) => [c.id, c.state])).toEqual([[keptCall.id, 'active']]);
  expect(await reader.calls.list().catch(() => 'offline')).toBe('offline'); // the reader never connected
  const ended = await dave.calls.hangup(keptCall.id);
  expect(ended).toMatchObject({ endReason: 'hangup', endedBy: dave.user!.id });
  const keptRecord = (await carol.messages.history(kept.id, { limit: 50 })).messages.find(
    (m) => m.id === keptCall.messageId,
  )?.content as CallContent;
  expect(keptRecord).toMatchObject({ status: 'answered', answeredAt: answeredKept.answeredAt });
  expect(keptRecord.durationMs!).toBeGreaterThan(killedAt - answeredKept.answeredAt! + 3500);
});
