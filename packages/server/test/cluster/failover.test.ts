/**
 * A cluster under load loses a node (SIGKILL) and, separately, its NATS server
 * (killed and restarted). Clients behind haproxy reconnect to the surviving nodes
 * and resend what was never acknowledged; every acknowledged message reaches every
 * device exactly once and in order; the users of the dead node go offline within
 * the documented bound (docs/operations.md), seen by a client on another node.
 */
import type { Message, Presence } from '@parley/protocol';
import type { ParleyClient } from '@parley/sdk/node';
import { describe, expect, it } from 'vitest';
import { clusterAvailable, registerPerson, useCluster, type ClusterNode } from './harness';

/** A node silent this long is dropped (nodeTimeoutMs 7 s, checked at each 2 s heartbeat): the documented bound. */
const OFFLINE_BOUND_MS = 9_000;
/** Slack for a loaded test machine (timers late, NATS delivery). */
const SLACK_MS = 4_000;
const PER_CLIENT = 40;
const LOAD_CLIENTS = 6;

const available = await clusterAvailable();
const clusterOf = useCluster(available);

const person = (client: ParleyClient, name: string) => registerPerson(client, name, 'cluster failover password');

interface Load {
  group: string;
  senders: ParleyClient[];
  /** Every device's timeline of the group, as the app saw it. */
  timelines: Map<ParleyClient, Message[]>;
  acked: Message[];
  sends: Promise<Message[]>;
}

/** Queues every sender's stream at once (each outbox sends its own in order). */
function startLoad(group: string, senders: ParleyClient[], watchers: ParleyClient[]): Load {
  const timelines = new Map<ParleyClient, Message[]>();
  for (const client of [...senders, ...watchers]) {
    const timeline: Message[] = [];
    timelines.set(client, timeline);
    client.on('message', (m) => {
      if (m.conversationId === group) timeline.push(m);
    });
  }
  const acked: Message[] = [];
  const sends = Promise.all(
    senders.flatMap((client, ci) =>
      Array.from({ length: PER_CLIENT }, (_, i) =>
        client.messages.send(group, `${ci}-${i}`).then((m) => {
          acked.push(m);
          return m;
        }),
      ),
    ),
  );
  return { group, senders, timelines, acked, sends };
}

async function untilAcked(load: Load, count: number): Promise<void> {
  await expect.poll(() => load.acked.length, { timeout: 60_000, interval: 5 }).toBeGreaterThanOrEqual(count);
}

async function fullHistory(client: ParleyClient, conversationId: string): Promise<Message[]> {
  const history: Message[] = [];
  for (let after = 0; ;) {
    const page = await client.messages.history(conversationId, { after, limit: 200 });
    history.push(...page.messages);
    if (!page.hasMore) return history;
    after = page.messages.at(-1)!.seq;
  }
}

/** Every acknowledged message stored once, in order, and every device's timeline equal to history. */
async function expectExactlyOnceInOrder(load: Load, ackedBefore: Message[], reader: ParleyClient): Promise<void> {
  const all = await load.sends;
  const history = await fullHistory(reader, load.group);
  expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
  const texts = history.flatMap((m) => (m.content.type === 'text' ? [m.content.text] : []));
  expect(new Set(texts).size).toBe(texts.length);
  expect(texts).toHaveLength(LOAD_CLIENTS * PER_CLIENT);
  const stored = new Set(history.map((m) => m.id));
  for (const message of [...ackedBefore, ...all]) expect(stored.has(message.id)).toBe(true);
  for (let ci = 0; ci < load.senders.length; ci++) {
    const mine = texts.filter((t) => t.startsWith(`${ci}-`));
    expect(mine).toEqual(Array.from({ length: PER_CLIENT }, (_, i) => `${ci}-${i}`));
  }
  // What each app saw: every entry once (the SDK dedupes by id), no seq missing, in order.
  for (const [client, timeline] of load.timelines) {
    await expect
      .poll(() => timeline.at(-1)?.seq, { timeout: 30_000, message: `the device of ${client.user?.username}` })
      .toBe(history.at(-1)!.seq);
    const first = timeline[0]!.seq;
    expect(timeline.map((m) => m.seq)).toEqual(history.filter((m) => m.seq >= first).map((m) => m.seq));
    expect(timeline.map((m) => m.id)).toEqual(history.filter((m) => m.seq >= first).map((m) => m.id));
  }
}

describe.skipIf(!available)('a cluster losing a node or its bus under load', () => {
  it(
    'loses, doubles and reorders nothing when a node is killed, and its users go offline within the bound',
    { timeout: 240_000 },
    async () => {
      const c = clusterOf()!;
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode];
      // The victim is n1, the smallest id: announcing its users falls to the next one.
      const victim = n1;
      const observer = await person(c.client({ node: n2 }), 'observer');
      // A device pinned to the victim (no proxy in between): it dies with the node and stays away.
      const pinned = await person(c.client({ node: victim }), 'pinned');
      const senders: ParleyClient[] = [];
      for (let i = 0; i < LOAD_CLIENTS; i++) senders.push(await person(c.client(), `load${i}`));
      const group = await observer.conversations.createGroup('failover', [
        pinned.user!.id,
        ...senders.map((s) => s.user!.id),
      ]);
      // Presence is shown to contacts and to people one took part with: the pinned user names
      // the observer a contact (being added to the group by them is not taking part).
      await pinned.contacts.add(observer.user!.id);
      const presence: Presence[] = [];
      observer.on('presence', (p) => presence.push(p));
      await observer.connect();
      await pinned.connect();
      for (const s of senders) await s.connect();
      await expect
        .poll(() => presence.some((p) => p.userId === pinned.user!.id && p.status === 'online'), { timeout: 15_000 })
        .toBe(true);
      // leastconn spread the proxied clients: the pinned device and at least one of them are on the victim.
      expect(await victim.connections()).toBeGreaterThanOrEqual(2);
      expect(await n2.metric('parley_cluster_nodes')).toBe(3);

      const load = startLoad(group.id, senders, [observer]);
      await untilAcked(load, (LOAD_CLIENTS * PER_CLIENT) / 4);
      const killedAt = Date.now();
      await victim.kill();
      const ackedBefore = [...load.acked];
      expect(ackedBefore.length).toBeLessThan(LOAD_CLIENTS * PER_CLIENT);

      // The pinned user had no other device: another node announces them offline in time.
      await expect
        .poll(() => presence.find((p) => p.userId === pinned.user!.id && p.status === 'offline'), {
          timeout: OFFLINE_BOUND_MS + SLACK_MS,
          interval: 100,
        })
        .toBeDefined();
      const offlineAfterMs = Date.now() - killedAt;
      expect(offlineAfterMs).toBeLessThanOrEqual(OFFLINE_BOUND_MS + SLACK_MS);
      expect(await n2.metric('parley_cluster_nodes')).toBe(2);
      pinned.close();

      await expectExactlyOnceInOrder(load, ackedBefore, observer);
      // The proxied clients of the victim came back elsewhere: everyone but the pinned user is online.
      const now = await observer.presence.get([pinned.user!.id, ...senders.map((s) => s.user!.id)]);
      expect(now.map((p) => p.status)).toEqual(['offline', ...senders.map(() => 'online')]);
      expect(await victim.connections().catch(() => 'down')).toBe('down');

      // The node comes back under its name and takes traffic again.
      await victim.start();
      await c.waitForState(victim, 'UP');
      await expect.poll(() => n2.metric('parley_cluster_nodes'), { timeout: 10_000 }).toBe(3);
      const late = await person(c.client({ node: victim }), 'late');
      await observer.conversations.addMembers(group.id, [late.user!.id]);
      const lateInbox: Message[] = [];
      late.on('message', (m) => lateInbox.push(m));
      await late.connect();
      await senders[0]!.messages.send(group.id, 'after the restart');
      await expect
        .poll(() => lateInbox.some((m) => m.content.type === 'text' && m.content.text === 'after the restart'), {
          timeout: 15_000,
        })
        .toBe(true);
    },
  );

  it('loses, doubles and reorders nothing when the NATS server restarts mid-load', { timeout: 240_000 }, async () => {
    const c = clusterOf()!;
    const [, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const observers = [await person(c.client({ node: n2 }), 'watch2'), await person(c.client({ node: n3 }), 'watch3')];
    const senders: ParleyClient[] = [];
    for (let i = 0; i < LOAD_CLIENTS; i++) senders.push(await person(c.client(), `bus${i}`));
    const group = await observers[0]!.conversations.createGroup('bus restart', [
      observers[1]!.user!.id,
      ...senders.map((s) => s.user!.id),
    ]);
    // The senders take part by posting; the second observer names the first a contact.
    await observers[1]!.contacts.add(observers[0]!.user!.id);
    const presence: Presence[] = [];
    observers[0]!.on('presence', (p) => presence.push(p));
    for (const client of [...observers, ...senders]) await client.connect();

    const load = startLoad(group.id, senders, observers);
    await untilAcked(load, (LOAD_CLIENTS * PER_CLIENT) / 4);
    await c.nats.restart(500);
    const ackedBefore = [...load.acked];
    expect(ackedBefore.length).toBeLessThan(LOAD_CLIENTS * PER_CLIENT);

    await expectExactlyOnceInOrder(load, ackedBefore, observers[1]!);
    // Every node saw the gap (and had its connections resync); nothing is left waiting for the bus.
    for (const node of c.nodes) {
      expect(await node.metric('parley_bus_gaps_total')).toBeGreaterThanOrEqual(1);
      await expect.poll(() => node.metric('parley_outbox_pending'), { timeout: 10_000 }).toBe(0);
      expect(await node.metric('parley_cluster_nodes')).toBe(3);
    }
    // A short bus outage is not a node loss: nobody was announced offline.
    const everyone = [observers[1]!, ...senders].map((s) => s.user!.id);
    expect(presence.filter((p) => everyone.includes(p.userId) && p.status === 'offline')).toEqual([]);
    const now = await observers[0]!.presence.get(everyone);
    expect(now.map((p) => p.status)).toEqual(everyone.map(() => 'online'));
    // The second observer is pinned to n3 (no proxy): gone before the next test restarts n3.
    for (const client of [...observers, ...senders]) client.close();
  });

  it(
    'loses, doubles and reorders nothing when a node is drained and restarted (a rolling upgrade step)',
    { timeout: 240_000 },
    async () => {
      const c = clusterOf()!;
      const [n1, , n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
      const observer = await person(c.client({ node: n1 }), 'upgrade');
      const senders: ParleyClient[] = [];
      for (let i = 0; i < LOAD_CLIENTS; i++) senders.push(await person(c.client(), `roll${i}`));
      const group = await observer.conversations.createGroup(
        'rolling upgrade',
        senders.map((s) => s.user!.id),
      );
      for (const client of [observer, ...senders]) await client.connect();
      expect(await n3.connections()).toBeGreaterThanOrEqual(1);

      const load = startLoad(group.id, senders, [observer]);
      await untilAcked(load, (LOAD_CLIENTS * PER_CLIENT) / 4);
      // The documented step: drain (no new connections), stop gracefully, start the new version, ready.
      await c.setState(n3, 'drain');
      await n3.stop();
      expect(n3.process!.child.exitCode).toBe(0);
      const ackedBefore = [...load.acked];
      await expectExactlyOnceInOrder(load, ackedBefore, observer);
      // Its clients went elsewhere (the proxy sent none back to it while it drained).
      await n3.start();
      expect(await n3.connections()).toBe(0);
      await c.setState(n3, 'ready');
      await c.waitForState(n3, 'UP');
      const now = await observer.presence.get(senders.map((s) => s.user!.id));
      expect(now.map((p) => p.status)).toEqual(senders.map(() => 'online'));
    },
  );
});
