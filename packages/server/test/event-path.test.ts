/**
 * The event path end to end (issue 11): a write's events are recorded with it and
 * reach every connected device after the commit, even when the bus refuses them for
 * a while (no reconnect needed), and events written by another process (the CLI's
 * admin commands) reach the running server's sockets.
 */
import { createNodeClient, type Message, type ParleyClient } from '@parley/sdk/node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../src/bus/bus-local';
import { RefusingBus } from '../src/events/refusing-bus.test-helper';
import { openAdmin } from '../src/main';
import { silentLogger } from '../src/observability/logger';
import { startTestServer, type TestServer } from './harness';

const servers: TestServer[] = [];
const clients: ParleyClient[] = [];
afterEach(() => {
  clients.splice(0).forEach((c) => c.close());
});
afterAll(async () => {
  for (const t of servers) await t.stop();
});

let n = 0;
async function person(t: TestServer, name: string): Promise<ParleyClient> {
  const c = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 50, maxDelayMs: 200 }, receiptBatchMs: 20 });
  clients.push(c);
  await c.register({ username: `${name}${++n}`, password: 'event path password' });
  return c;
}

const texts = (messages: Message[]) => messages.flatMap((m) => (m.content.type === 'text' ? [m.content.text] : []));

describe('the event path', () => {
  it('loses no live delivery when the bus refuses events between commit and publish', async () => {
    const bus = new RefusingBus(new LocalBus(silentLogger()));
    // No takeover sweep: the relay's own retries must deliver.
    const t = await startTestServer({ framesPerSecond: 1000 }, { bus, relay: { sweepIntervalMs: 0 } });
    servers.push(t);
    const alice = await person(t, 'alice');
    const bob = await person(t, 'bob');
    const direct = await alice.conversations.createDirect(bob.user!.id);
    const inbox: Message[] = [];
    bob.on('message', (m) => inbox.push(m));
    let reconnects = 0;
    bob.on('state', (s) => {
      if (s.state === 'connecting') reconnects += 1;
    });
    await Promise.all([alice.connect(), bob.connect()]);
    const connectsBefore = reconnects;

    bus.refusing = true;
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      // Acknowledged: the message is committed, its event waits in the outbox.
      const ack = await alice.messages.send(direct.id, `while the bus is down ${i}`);
      expect(ack.seq).toBe(i + 1);
      sent.push(`while the bus is down ${i}`);
    }
    await expect.poll(() => bus.refused).toBeGreaterThan(0);
    expect(texts(inbox)).toEqual([]);

    bus.refusing = false;
    await expect.poll(() => texts(inbox), { timeout: 10_000 }).toEqual(sent);
    expect(reconnects).toBe(connectsBefore); // live, not through a resync
    await alice.messages.send(direct.id, 'after');
    await expect.poll(() => texts(inbox)).toEqual([...sent, 'after']);
  });

  it("closes a device's sockets on the running server when the CLI's admin command resets the password", async () => {
    const t = await startTestServer({ framesPerSecond: 1000 });
    servers.push(t);
    const alice = await person(t, 'alice');
    await alice.connect();
    const stopped = new Promise<string>((resolve) =>
      alice.on('state', (s) => {
        if (s.state === 'stopped') resolve(s.reason);
      }),
    );
    // `parley user passwd`: another process on the same store, with no bus of its own.
    const admin = await openAdmin(t.server.config);
    try {
      await admin.services.accounts.resetPassword(alice.user!.username, 'a brand new password');
    } finally {
      await admin.close();
    }
    expect(await stopped).toBe('session_revoked');
  });
});
