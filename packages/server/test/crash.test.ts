/**
 * Guarantees 1-5 across a real crash: clients stream messages into a real server
 * process, which is killed with SIGKILL mid-stream and restarted on the same
 * database. Every acknowledged message must be there exactly once and in order,
 * and the clients must resume (resending what was never acknowledged) without
 * anyone seeing a duplicate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient, type Message, type ParleyClient } from '@parley/sdk/node';
import { afterAll, expect, it } from 'vitest';
import { freePort, spawnServer, type ServerProcess } from './process';

const PER_CLIENT = 120;
const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-crash-'));
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

it('loses, doubles and reorders nothing when the server is killed mid-stream', { timeout: 120_000 }, async () => {
  const port = await freePort();
  const env = { PARLEY_PORT: String(port), PARLEY_DATA_DIR: dataDir, PARLEY_RATE_FRAMES_PER_SEC: '10000' };
  server = await spawnServer(env);
  const baseUrl = `http://127.0.0.1:${port}`;

  const names = ['alice', 'bob', 'carol'];
  for (const name of names) {
    const client = createNodeClient({
      baseUrl,
      backoff: { initialDelayMs: 100, maxDelayMs: 400 },
      requestTimeoutMs: 5_000,
    });
    await client.register({ username: name, password: 'crash test password' });
    clients.push(client);
  }
  const [alice, bob, carol] = clients as [ParleyClient, ParleyClient, ParleyClient];
  const group = await alice.conversations.createGroup('crash', [bob.user!.id, carol.user!.id]);

  const received = new Map<ParleyClient, Message[]>(clients.map((c) => [c, []]));
  for (const client of clients) {
    client.on('message', (m) => {
      if (m.conversationId === group.id) received.get(client)!.push(m);
    });
    await client.connect();
  }

  // Every client queues its whole stream at once; the outbox sends it in order.
  const acked: Message[] = [];
  const sends = clients.flatMap((client, ci) =>
    Array.from({ length: PER_CLIENT }, (_, i) =>
      client.messages.send(group.id, `${names[ci]}-${i}`).then((m) => {
        acked.push(m);
        return m;
      }),
    ),
  );

  // Kill mid-stream, once a good part is acknowledged and the rest is in flight.
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (acked.length >= (PER_CLIENT * clients.length) / 4) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
  server.child.kill('SIGKILL');
  await server.exited;
  const ackedBeforeKill = [...acked];
  expect(ackedBeforeKill.length).toBeLessThan(PER_CLIENT * clients.length);

  server = await spawnServer(env);
  const all = await Promise.all(sends);

  // Every acknowledged message (before the kill or after) is stored exactly once, in order.
  const history: Message[] = [];
  let after = 0;
  for (;;) {
    const page = await alice.messages.history(group.id, { after, limit: 200 });
    history.push(...page.messages);
    if (!page.hasMore) break;
    after = page.messages.at(-1)!.seq;
  }
  const texts = history.flatMap((m) => (m.content.type === 'text' ? [m.content.text] : []));
  expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
  expect(new Set(texts).size).toBe(texts.length);
  expect(texts).toHaveLength(PER_CLIENT * clients.length);
  const storedIds = new Set(history.map((m) => m.id));
  for (const message of [...ackedBeforeKill, ...all]) expect(storedIds.has(message.id)).toBe(true);
  // Each sender's messages keep the order they were sent in.
  for (const name of names) {
    const mine = texts.filter((t) => t.startsWith(`${name}-`));
    expect(mine).toEqual(Array.from({ length: PER_CLIENT }, (_, i) => `${name}-${i}`));
  }

  // Every client saw every message exactly once, in seq order, once it caught up.
  const total = history.length;
  await expect
    .poll(() => clients.map((c) => received.get(c)!.length), { timeout: 20_000 })
    .toEqual(clients.map(() => total));
  for (const client of clients) {
    expect(received.get(client)!.map((m) => m.seq)).toEqual(history.map((m) => m.seq));
  }
});
