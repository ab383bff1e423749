/**
 * A graceful restart under a few hundred SDK clients: the server closes every socket
 * with 1012 (service restart), each client comes back after a short random delay (or
 * backs off while the server is still down), and every one of them is connected and
 * caught up again once the new server runs, having missed nothing sent meanwhile.
 * Correctness only: how fast they return is measured by bench/, not asserted here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient, type ClientState, type ParleyClient } from '@parley/sdk/node';
import type { Message } from '@parley/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '../src';
import { newId } from '../src/domain/ids';
import { silentLogger } from '../src/observability/logger';
import { hashToken, newToken } from '../src/services/tokens';
import { createStore } from '../src/store/create-store';

const CLIENTS = 200;

describe('a graceful restart under load', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-restart-'));
  const sqlitePath = path.join(dir, 'parley.db');
  const clients: ParleyClient[] = [];
  let server: RunningServer | undefined;

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(port: number): Promise<RunningServer> {
    const config = loadConfig(
      {},
      {
        port,
        host: '127.0.0.1',
        dataDir: dir,
        sqlitePath,
        logLevel: 'silent',
        xmppPort: -1,
        sqliteSynchronous: 'normal',
      },
    );
    return startServer(config, { logger: silentLogger() });
  }

  it(`brings all ${CLIENTS} clients back after the server restarts, without losing a message`, async () => {
    // Accounts, sessions and a direct conversation per pair of users, straight into the
    // store (no password hashing). Pairs, not one big group: presence would fan out to
    // every co-member of a group, which is not what this test is about.
    const seed = await createStore({ db: 'sqlite', sqlitePath, synchronous: 'normal' });
    const now = Date.now();
    const users: { id: string; token: string }[] = [];
    const pairs: string[] = [];
    await seed.transaction(async (tx) => {
      for (let i = 0; i < CLIENTS; i += 1) {
        const id = newId('u', now);
        await tx.createUser({
          id,
          username: `back${i}`,
          displayName: `Back ${i}`,
          passwordHash: 'unused',
          createdAt: now,
        });
        const token = newToken();
        await tx.createSession({
          id: newId('s', now),
          userId: id,
          tokenHash: hashToken(token),
          deviceName: 'restart test',
          createdAt: now,
          lastSeenAt: now,
          expiresAt: now + 3_600_000,
        });
        users.push({ id, token });
      }
      for (let i = 0; i + 1 < CLIENTS; i += 2) {
        const [a, b] = [users[i]!.id, users[i + 1]!.id].sort();
        const id = newId('c', now);
        await tx.createConversation({ id, kind: 'direct', title: null, directKey: `${a}:${b}`, createdAt: now }, [
          { userId: a!, role: 'member' },
          { userId: b!, role: 'member' },
        ]);
        pairs.push(id);
      }
    });
    await seed.close();

    server = await start(0);
    const port = server.port;
    const states: ClientState[][] = [];
    const received: Message[][] = [];
    for (const [i, user] of users.entries()) {
      const client = createNodeClient({
        baseUrl: server.url,
        token: user.token,
        // A shorter restart window than the default keeps the test short; the rule is the same.
        backoff: { restartMinDelayMs: 200, restartSpreadMs: 1500 },
      });
      clients.push(client);
      states.push([]);
      received.push([]);
      client.on('state', (state) => states[i]?.push(state));
      client.on('message', (message) => received[i]?.push(message));
    }
    for (let i = 0; i < CLIENTS; i += 50) await Promise.all(clients.slice(i, i + 50).map((client) => client.connect()));

    await server.stop();
    server = undefined;
    // Every client was told the server is restarting, and none gave up.
    for (const list of states)
      expect(list.at(-1)).toMatchObject({ state: expect.stringMatching(/disconnected|connecting/) });
    for (const list of states) expect(list.find((s) => s.state === 'disconnected')).toMatchObject({ code: 1012 });

    // Written while disconnected: each outbox sends its message once its client is back.
    const sends = pairs.map((id, pair) => clients[2 * pair]!.messages.send(id, 'welcome back'));
    server = await start(port);
    const sent = await Promise.all(sends);

    const deadline = Date.now() + 90_000;
    const back = () => clients.filter((client) => client.state.state === 'connected').length;
    while (back() < clients.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(back()).toBe(clients.length);
    for (const list of states) expect(list.some((s) => s.state === 'stopped')).toBe(false);
    // Every partner receives its pair's message exactly once (live, or through sync).
    const partnerGot = (pair: number) => received[2 * pair + 1]!.filter((m) => m.id === sent[pair]!.id).length;
    while (pairs.some((_, pair) => partnerGot(pair) === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(pairs.map((_, pair) => partnerGot(pair))).toEqual(pairs.map(() => 1));
  }, 180_000);
});
