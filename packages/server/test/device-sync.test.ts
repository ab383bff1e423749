/**
 * Delivery to every device (guarantee 4, P9), over real sockets with SDK clients on
 * SQLite and PostgreSQL: a device that was away while its user's other device read a
 * new conversation still receives every entry of it when it comes back, because `sync`
 * starts a conversation the device does not hold where the membership starts, never
 * from the delivered cursor that the other device moved.
 */
import type { Message } from '@parley/protocol';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../src/store/postgres/test-database';
import { startTestServer, type TestServer } from './harness';

const postgresAvailable = await requirePostgres();

interface Backend {
  name: string;
  enabled: boolean;
  config(): { overrides: Partial<Config>; cleanup: () => Promise<void> };
}

const backends: Backend[] = [
  { name: 'sqlite', enabled: true, config: () => ({ overrides: {}, cleanup: () => Promise.resolve() }) },
  {
    name: 'postgres',
    enabled: postgresAvailable,
    config: () => {
      const schema = randomSchemaName();
      return {
        overrides: { db: 'postgres', databaseUrl: pgTestUrl(), pgSchema: schema },
        cleanup: () => dropSchema(schema),
      };
    },
  },
];

/** Every message event a client hands to the app, and a way to wait for some. */
class Device {
  readonly seen: Message[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly client: ParleyClient) {
    client.on('message', (message) => {
      this.seen.push(message);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** The seqs received in one conversation, in the order the app got them. */
  seqs(conversationId: string): number[] {
    return this.seen.filter((m) => m.conversationId === conversationId).map((m) => m.seq);
  }

  async waitFor(conversationId: string, count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (this.seqs(conversationId).length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} entries of ${conversationId}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const backend of backends) {
  describe.runIf(backend.enabled)(`P9: every device receives every entry (${backend.name})`, () => {
    let t: TestServer;
    let cleanup: () => Promise<void>;
    const open: ParleyClient[] = [];

    beforeAll(async () => {
      const { overrides, cleanup: drop } = backend.config();
      cleanup = drop;
      t = await startTestServer({ ...overrides, authAttemptsPerMinute: 1000, membershipChangesPerMinute: 1000 });
    });
    afterAll(async () => {
      open.forEach((c) => c.close());
      await t.stop();
      await cleanup();
    });

    function client(options: { cursors?: Record<string, number> } = {}): ParleyClient {
      const c = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 }, ...options });
      open.push(c);
      return c;
    }

    let n = 0;
    async function person(name: string): Promise<Device> {
      const c = client();
      await c.register({
        username: `${name}${++n}${Math.random().toString(36).slice(2, 6)}`,
        password: 'device sync pw',
      });
      await c.connect();
      return new Device(c);
    }

    async function secondDevice(of: Device, options: { cursors?: Record<string, number> } = {}): Promise<Device> {
      const c = client(options);
      const device = new Device(c);
      await c.connect(of.client.token);
      return device;
    }

    /** Waits until the user's shared delivered cursor (moved by device `by`) reaches `seq`. */
    async function deliveredReaches(by: Device, conversationId: string, seq: number): Promise<void> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const summary = (await by.client.conversations.list()).find((s) => s.conversation.id === conversationId);
        if ((summary?.deliveredSeq ?? 0) >= seq) return;
        if (Date.now() > deadline) throw new Error(`delivered cursor of ${conversationId} stayed below ${seq}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    /** Posts `count` messages, one after the other. */
    async function post(from: Device, conversationId: string, count: number): Promise<void> {
      for (let i = 1; i <= count; i++) await from.client.messages.send(conversationId, `message ${i}`);
    }

    it('a device that was away gets a whole group created and read meanwhile (the issue)', async () => {
      const carol = await person('carol');
      const a = await person('dana');
      const b = await secondDevice(a);
      // B goes away with its session and cursors (the same client object keeps its timeline).
      b.client.close();

      const group = await carol.client.conversations.createGroup('while B was away', [a.client.user!.id]);
      await post(carol, group.id, 5);
      await a.waitFor(group.id, 6);
      await deliveredReaches(a, group.id, 6);

      await b.client.connect();
      expect(b.seqs(group.id)).toEqual(range(1, 6));
      expect(b.seen.find((m) => m.conversationId === group.id && m.seq === 1)?.content).toMatchObject({
        type: 'system',
        action: 'created',
      });
      expect(b.client.cursors()[group.id]).toBe(6);
    });

    it('the same for a device restarted from persisted cursors, and for several conversations at once', async () => {
      const carol = await person('carol');
      const erin = await person('erin');
      const a = await person('frank');
      const b = await secondDevice(a);
      const before = await carol.client.conversations.createGroup('known to B', [a.client.user!.id]);
      await post(carol, before.id, 2);
      await b.waitFor(before.id, 3);
      const persisted = b.client.cursors();
      b.client.close();

      // While B is away: a new group, a new direct chat, more in the group B knows, and a
      // public channel with history that A joins (B must get it from A's join on).
      const group = await carol.client.conversations.createGroup('new group', [a.client.user!.id]);
      await post(carol, group.id, 5);
      const direct = await erin.client.conversations.createDirect(a.client.user!.id);
      await post(erin, direct.id, 3);
      await post(carol, before.id, 2);
      const channel = await erin.client.channels.create({ title: 'Open', visibility: 'public' });
      await post(erin, channel.id, 4); // seq 2..5, before A joins
      await a.client.channels.join(channel.id); // seq 6
      await post(erin, channel.id, 2); // seq 7, 8
      await a.waitFor(group.id, 6);
      await a.waitFor(channel.id, 3);
      await a.waitFor(before.id, 5);
      // In channels only reading moves the delivered cursor: A reads everything.
      await a.client.receipts.markRead(channel.id, 8);
      await a.client.receipts.markRead(group.id, 6);
      await deliveredReaches(a, channel.id, 8);
      await deliveredReaches(a, group.id, 6);

      const restarted = await secondDevice(a, { cursors: persisted });
      expect(restarted.seqs(before.id)).toEqual([4, 5]);
      expect(restarted.seqs(group.id)).toEqual(range(1, 6));
      const directSeqs = restarted.seqs(direct.id);
      expect(directSeqs.length).toBeGreaterThanOrEqual(3);
      expect(directSeqs).toEqual(range(1, directSeqs.length));
      expect(restarted.seqs(channel.id)).toEqual([6, 7, 8]);
      expect(restarted.seen.find((m) => m.conversationId === channel.id && m.seq === 6)?.content).toMatchObject({
        type: 'system',
        action: 'member.joined',
      });
    });

    it('pages a long conversation missed while away (truncated), in order', async () => {
      const carol = await person('carol');
      const a = await person('gina');
      const b = await secondDevice(a);
      b.client.close();
      const group = await carol.client.conversations.createGroup('long', [a.client.user!.id]);
      await post(carol, group.id, 120); // more than the SDK's 100-entry catch-up page
      await a.waitFor(group.id, 121);
      await deliveredReaches(a, group.id, 121);

      await b.client.connect();
      expect(b.seqs(group.id)).toEqual(range(1, 121));
    });

    it('a device that dropped a conversation gets it back from the membership start', async () => {
      const carol = await person('carol');
      const a = await person('hugo');
      const group = await carol.client.conversations.createGroup('dropped', [a.client.user!.id]);
      await post(carol, group.id, 3);
      await a.waitFor(group.id, 4);
      await deliveredReaches(a, group.id, 4);

      const kept = await secondDevice(a, { cursors: {} });
      expect(kept.seqs(group.id)).toEqual(range(1, 4));
    });

    it('a brand new device starts after the delivered cursor and reads the rest through history', async () => {
      const carol = await person('carol');
      const a = await person('iris');
      const group = await carol.client.conversations.createGroup('fresh', [a.client.user!.id]);
      await post(carol, group.id, 5);
      await a.waitFor(group.id, 6);
      await deliveredReaches(a, group.id, 6);

      const c = client();
      const fresh = new Device(c);
      await c.login({ username: a.client.user!.username, password: 'device sync pw' });
      await c.connect();
      // Only what no device reported delivered arrives as messages; the past is history.
      expect(fresh.seqs(group.id)).toEqual([]);
      expect(c.cursors()[group.id]).toBe(6);
      const page = await c.messages.history(group.id, { limit: 50 });
      expect(page.messages.map((m) => m.seq)).toEqual(range(1, 6));

      // Once synced, the device has state: a group created while it is away arrives whole.
      c.close();
      const later = await carol.client.conversations.createGroup('after fresh', [a.client.user!.id]);
      await post(carol, later.id, 2);
      await a.waitFor(later.id, 3);
      await deliveredReaches(a, later.id, 3);
      await c.connect();
      expect(fresh.seqs(later.id)).toEqual(range(1, 3));
    });
  });
}
