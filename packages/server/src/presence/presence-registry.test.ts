/**
 * The presence registries: the single node's, and the cluster's shared through a
 * bus (three nodes on one in-process bus, and on a real NATS server): every node
 * sees every device, a late node catches up, a lost change is repaired, and a node
 * that stops answering loses its devices everywhere, announced by one survivor.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../bus/bus-local';
import { NatsBus } from '../bus/bus-nats';
import { natsTestUrl, requireNats } from '../bus/nats-test-server';
import { RefusingBus } from '../events/refusing-bus.test-helper';
import { silentLogger } from '../observability/logger';
import type { Bus } from '../ports/bus';
import { systemClock } from '../ports/clock';
import type { DeviceState } from '../ports/presence';
import { BusPresenceRegistry } from './presence-registry-bus';
import { LocalPresenceRegistry } from './presence-registry-local';

const device = (userId: string, connectionId: string, status: DeviceState['status'] = 'online') => ({
  userId,
  connectionId,
  sessionId: `s_${connectionId}`,
  resource: `r_${connectionId}`,
  status,
  priority: 0,
});

const ids = (devices: DeviceState[]) => devices.map((d) => d.connectionId).sort();

describe('LocalPresenceRegistry', () => {
  it('keeps the devices of each user', () => {
    const registry = new LocalPresenceRegistry('n1');
    registry.put(device('u1', 'k1'));
    registry.put(device('u1', 'k2', 'away'));
    registry.put(device('u2', 'k3'));
    expect(ids(registry.devicesOf('u1'))).toEqual(['k1', 'k2']);
    registry.put(device('u1', 'k2', 'busy'));
    expect(registry.devicesOf('u1').find((d) => d.connectionId === 'k2')).toMatchObject({
      status: 'busy',
      nodeId: 'n1',
    });
    expect(registry.remove('k1')?.userId).toBe('u1');
    expect(registry.remove('k1')).toBeUndefined();
    expect(ids(registry.devicesOf('u1'))).toEqual(['k2']);
    expect(registry.devicesOf('nobody')).toEqual([]);
  });
});

const timing = { heartbeatMs: 40, nodeTimeoutMs: 400, snapshotChunk: 3 };

function sharedRegistryTests(name: string, makeBus: () => Promise<Bus>) {
  describe(`BusPresenceRegistry over ${name}`, () => {
    const running: BusPresenceRegistry[] = [];
    const buses: Bus[] = [];
    afterEach(async () => {
      for (const registry of running.splice(0)) await registry.stop();
      for (const bus of buses.splice(0)) await bus.stop();
    });

    async function node(id: string, bus?: Bus): Promise<{ registry: BusPresenceRegistry; bus: RefusingBus }> {
      const inner = bus ?? (await makeBus());
      if (!bus) buses.push(inner);
      const refusing = new RefusingBus(inner);
      const registry = new BusPresenceRegistry(
        id,
        { bus: refusing, clock: systemClock, logger: silentLogger() },
        timing,
      );
      await registry.start();
      running.push(registry);
      return { registry, bus: refusing };
    }

    it("shows every node every node's devices, and a late node all of them", async () => {
      const shared = name === 'in-process bus' ? await makeBus() : undefined;
      if (shared) buses.push(shared);
      const a = await node('a', shared);
      const b = await node('b', shared);
      for (let i = 0; i < 7; i++) a.registry.put(device('alice', `ka${i}`));
      b.registry.put(device('alice', 'kb'));
      await expect.poll(() => ids(b.registry.devicesOf('alice')).length).toBe(8);
      await expect.poll(() => ids(a.registry.devicesOf('alice')).length).toBe(8);
      a.registry.remove('ka0');
      await expect.poll(() => ids(b.registry.devicesOf('alice'))).not.toContain('ka0');
      // A node that starts now learns the others' devices from their snapshots (in chunks of 3).
      const c = await node('c', shared);
      await expect.poll(() => ids(c.registry.devicesOf('alice'))).toEqual(ids(a.registry.devicesOf('alice')));
    });

    it("carries each resource's priority, XMPP flag and status text to the other nodes, and their changes", async () => {
      const shared = name === 'in-process bus' ? await makeBus() : undefined;
      if (shared) buses.push(shared);
      const a = await node('a', shared);
      const b = await node('b', shared);
      a.registry.put({
        ...device('carol', 'k1', 'away'),
        resource: 'phone',
        priority: 7,
        xmpp: true,
        statusText: 'out',
      });
      await expect
        .poll(() => b.registry.devicesOf('carol'))
        .toEqual([
          {
            ...device('carol', 'k1', 'away'),
            resource: 'phone',
            priority: 7,
            xmpp: true,
            statusText: 'out',
            nodeId: 'a',
          },
        ]);
      // A put replaces the device: a status text it no longer has is gone everywhere.
      a.registry.put({ ...device('carol', 'k1'), resource: 'phone', priority: 7, xmpp: true });
      await expect.poll(() => b.registry.devicesOf('carol')[0]?.statusText ?? null).toBeNull();
      expect(b.registry.devicesOf('carol')[0]).toMatchObject({ status: 'online', priority: 7 });
    });

    it('repairs a change the bus lost, from the next heartbeat', async () => {
      const shared = name === 'in-process bus' ? await makeBus() : undefined;
      if (shared) buses.push(shared);
      const a = await node('a', shared);
      const b = await node('b', shared);
      a.bus.refusing = true;
      a.registry.put(device('bob', 'k1', 'busy'));
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(b.registry.devicesOf('bob')).toEqual([]);
      a.bus.refusing = false;
      await expect.poll(() => b.registry.devicesOf('bob').map((d) => d.status)).toEqual(['busy']);
    });

    it('drops the devices of a node that stops answering, and one survivor announces them', async () => {
      const shared = name === 'in-process bus' ? await makeBus() : undefined;
      if (shared) buses.push(shared);
      const a = await node('a', shared);
      const b = await node('b', shared);
      const c = await node('c', shared);
      const lost: Record<string, DeviceState[]> = { a: [], b: [] };
      a.registry.onDevicesLost((devices) => lost.a!.push(...devices));
      b.registry.onDevicesLost((devices) => lost.b!.push(...devices));
      c.registry.put(device('carol', 'kc1'));
      c.registry.put(device('carol', 'kc2'));
      await expect.poll(() => a.registry.devicesOf('carol').length).toBe(2);
      await expect.poll(() => b.registry.devicesOf('carol').length).toBe(2);
      c.bus.refusing = true; // c falls silent (a crash, a partition)
      await expect.poll(() => a.registry.devicesOf('carol').length, { timeout: 5000 }).toBe(0);
      await expect.poll(() => b.registry.devicesOf('carol').length, { timeout: 5000 }).toBe(0);
      // Announced once, by the smallest surviving id.
      await expect.poll(() => ids(lost.a!)).toEqual(['kc1', 'kc2']);
      expect(lost.b).toEqual([]);
    });

    it('forgets a node that leaves on purpose at once', async () => {
      const shared = name === 'in-process bus' ? await makeBus() : undefined;
      if (shared) buses.push(shared);
      const a = await node('a', shared);
      const b = await node('b', shared);
      b.registry.put(device('dave', 'kd'));
      await expect.poll(() => a.registry.devicesOf('dave').length).toBe(1);
      await b.registry.stop();
      await expect.poll(() => a.registry.devicesOf('dave').length).toBe(0);
    });
  });
}

sharedRegistryTests('in-process bus', () => Promise.resolve(new LocalBus(silentLogger())));

if (await requireNats()) {
  const prefix = `presence_${randomBytes(4).toString('hex')}`;
  sharedRegistryTests('NATS', async () => {
    const bus = new NatsBus({ url: natsTestUrl(), prefix }, silentLogger());
    await bus.start();
    return bus;
  });
}
