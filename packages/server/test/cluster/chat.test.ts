/**
 * Two people on two nodes of a real cluster (three `parley start` processes, one
 * PostgreSQL, one NATS, haproxy in front) talk as they would on one server:
 * messages both ways in order, presence, typing and receipts; a third person
 * through the proxy joins a group with them.
 */
import type { EventData, Message, Presence } from '@parley/protocol';
import type { ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterAvailable, startCluster, type Cluster, type ClusterNode } from './harness';

const available = await clusterAvailable();
let cluster: Cluster | undefined;
beforeAll(async () => {
  if (available) cluster = await startCluster();
}, 300_000);
afterAll(async () => {
  await cluster?.stop();
}, 60_000);

const PASSWORD = 'cluster chat password';
let counter = 0;

async function person(client: ParleyClient, name: string): Promise<ParleyClient> {
  await client.register({
    username: `${name}${++counter}${Math.random().toString(36).slice(2, 6)}`,
    password: PASSWORD,
  });
  return client;
}

function collect<T>(client: ParleyClient, event: 'message' | 'presence' | 'typing' | 'receipt'): T[] {
  const out: T[] = [];
  client.on(event, (payload) => out.push(payload as T));
  return out;
}

const texts = (messages: Message[]) => messages.flatMap((m) => (m.content.type === 'text' ? [m.content.text] : []));

describe.skipIf(!available)('a cluster of three nodes', () => {
  it(
    'lets a person on node 1 and one on node 2 chat: messages, presence, typing, receipts',
    { timeout: 120_000 },
    async () => {
      const c = cluster!;
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode];
      const alice = await person(c.client({ node: n1 }), 'alice');
      const bob = await person(c.client({ node: n2 }), 'bob');
      const direct = await alice.conversations.createDirect(bob.user!.id);

      const alicePresence = collect<Presence>(alice, 'presence');
      const bobInbox = collect<Message>(bob, 'message');
      const aliceInbox = collect<Message>(alice, 'message');
      const bobTyping = collect<EventData<'typing'>>(bob, 'typing');
      const aliceReceipts = collect<EventData<'receipt'>>(alice, 'receipt');

      await alice.connect();
      expect(await n1.connections()).toBeGreaterThan(0);
      await bob.connect();
      // Bob came online on node 2: alice, on node 1, hears it.
      await expect
        .poll(() => alicePresence.some((p) => p.userId === bob.user!.id && p.status === 'online'), { timeout: 10_000 })
        .toBe(true);
      expect((await alice.presence.get([bob.user!.id]))[0]?.status).toBe('online');

      await alice.typing.set(direct.id, true);
      await expect
        .poll(() => bobTyping.some((t) => t.userId === alice.user!.id && t.typing), { timeout: 10_000 })
        .toBe(true);

      const sent: string[] = [];
      for (let i = 0; i < 20; i++) {
        const from = i % 2 === 0 ? alice : bob;
        const text = `${from === alice ? 'alice' : 'bob'} says ${i}`;
        sent.push(text);
        await from.messages.send(direct.id, text);
      }
      const inDirect = (messages: Message[]) => texts(messages.filter((m) => m.conversationId === direct.id));
      await expect.poll(() => inDirect(bobInbox), { timeout: 10_000 }).toEqual(sent);
      await expect.poll(() => inDirect(aliceInbox), { timeout: 10_000 }).toEqual(sent);
      expect(bobInbox.filter((m) => m.conversationId === direct.id).map((m) => m.seq)).toEqual(
        sent.map((_, i) => i + 1),
      );

      // Bob reads everything: alice's device on the other node sees the read cursor move.
      await bob.receipts.markRead(direct.id, sent.length);
      await expect
        .poll(
          () =>
            aliceReceipts.some(
              (r) =>
                r.conversationId === direct.id &&
                r.userId === bob.user!.id &&
                r.kind === 'read' &&
                r.seq === sent.length,
            ),
          { timeout: 10_000 },
        )
        .toBe(true);

      // A third person through the proxy (whichever node it picks) in a group with both.
      const carol = await person(c.client(), 'carol');
      const group = await carol.conversations.createGroup('three nodes', [alice.user!.id, bob.user!.id]);
      const carolInbox = collect<Message>(carol, 'message');
      await carol.connect();
      await carol.messages.send(group.id, 'hello from the proxy');
      await alice.messages.send(group.id, 'hello from node 1');
      await bob.messages.send(group.id, 'hello from node 2');
      const inGroup = (messages: Message[]) => texts(messages.filter((m) => m.conversationId === group.id));
      const expected = ['hello from the proxy', 'hello from node 1', 'hello from node 2'];
      for (const inbox of [aliceInbox, bobInbox, carolInbox]) {
        await expect
          .poll(() => inGroup(inbox).filter((t) => t.startsWith('hello')), { timeout: 10_000 })
          .toEqual(expected);
      }

      // Bob leaves: alice hears him go offline, from another node.
      bob.close();
      await expect
        .poll(() => alicePresence.some((p) => p.userId === bob.user!.id && p.status === 'offline'), { timeout: 10_000 })
        .toBe(true);
    },
  );
});
