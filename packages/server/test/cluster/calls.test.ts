/**
 * A 1:1 call across a real cluster (issue 14): the caller on node 1, the callee's two
 * devices on nodes 2 and 3. Both devices ring, the one on node 3 answers and the one on
 * node 2 hears "answered elsewhere" (the call's state is in the shared store; its events
 * cross nodes on the bus), a late answer from node 2 is refused, and signals reach the
 * answering device on node 3 only (its device topic), in both directions.
 */
import type { CallEvents, ParleyClient } from '@parley/sdk/node';
import { ParleyError } from '@parley/sdk/node';
import { describe, expect, it } from 'vitest';
import { clusterAvailable, registerPerson, useCluster } from './harness';

const available = await clusterAvailable();
const clusterOf = useCluster(available);
const PASSWORD = 'cluster calls password';

function events(client: ParleyClient) {
  const seen: { event: keyof CallEvents; payload: unknown }[] = [];
  for (const name of ['incoming', 'accepted', 'answered.elsewhere', 'ended', 'signal'] as const) {
    client.calls.on(name, (payload) => seen.push({ event: name, payload }));
  }
  return {
    of: (event: keyof CallEvents) => seen.filter((s) => s.event === event),
    async wait(event: keyof CallEvents): Promise<unknown> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = seen.find((s) => s.event === event);
        if (found) return found.payload;
        if (Date.now() > deadline) throw new Error(`no ${event} (at ${step})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** Names the step a slow cluster run is in (the failure message says which). */
let step = 'start';

describe.skipIf(!available)('calls across nodes', () => {
  it('rings devices on two nodes, lets the one on node 3 answer, and relays signals to it only', async () => {
    const cluster = clusterOf()!;
    const [n1, n2, n3] = cluster.nodes as [
      (typeof cluster.nodes)[0],
      (typeof cluster.nodes)[0],
      (typeof cluster.nodes)[0],
    ];
    const watchdog = setInterval(() => process.stderr.write(`cluster calls test: still at ${step}\n`), 30_000);
    watchdog.unref();
    step = 'register';
    const alice = await registerPerson(cluster.client({ node: n1 }), 'alice', PASSWORD);
    const bobOn2 = await registerPerson(cluster.client({ node: n2 }), 'bob', PASSWORD);
    const bobOn3 = cluster.client({ node: n3 });
    await bobOn3.login({ username: bobOn2.user!.username, password: PASSWORD });
    step = 'connect';
    for (const c of [alice, bobOn2, bobOn3]) await c.connect();
    step = 'call';
    const direct = await alice.conversations.createDirect(bobOn2.user!.id);
    const [a, b2, b3] = [alice, bobOn2, bobOn3].map(events) as [
      ReturnType<typeof events>,
      ReturnType<typeof events>,
      ReturnType<typeof events>,
    ];

    const call = await alice.calls.start(direct.id, 'audio');
    await b2.wait('incoming');
    await b3.wait('incoming');
    await bobOn3.calls.accept(call.id);
    await b2.wait('answered.elsewhere');
    await a.wait('accepted');
    const late = await bobOn2.calls.accept(call.id).catch((e: unknown) => e);
    expect(late instanceof ParleyError ? late.code : late).toBe('call_not_ringing');

    await alice.calls.signal(call.id, { kind: 'offer', sdp: 'v=0 from node 1' });
    expect(await b3.wait('signal')).toMatchObject({ signal: { kind: 'offer', sdp: 'v=0 from node 1' } });
    await bobOn3.calls.signal(call.id, { kind: 'answer', sdp: 'v=0 from node 3' });
    expect(await a.wait('signal')).toMatchObject({ signal: { kind: 'answer', sdp: 'v=0 from node 3' } });
    expect(b2.of('signal')).toEqual([]);

    await bobOn3.calls.hangup(call.id);
    for (const r of [a, b2, b3]) expect(await r.wait('ended')).toMatchObject({ reason: 'hangup' });
    const page = await bobOn2.messages.history(direct.id, { limit: 20 });
    clearInterval(watchdog);
    expect(page.messages.find((m) => m.id === call.messageId)?.content).toMatchObject({
      type: 'call',
      status: 'answered',
    });
  });
});
