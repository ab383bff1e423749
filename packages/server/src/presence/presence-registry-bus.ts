/**
 * The presence registry of a cluster, shared through the bus (topic `nodes`).
 * Each node publishes its own device changes in order (numbered by `version`) and
 * a heartbeat every `heartbeatMs`; every node keeps a replica of all devices. A
 * node that starts, or that comes back from a bus gap, asks for snapshots; a
 * replica that sees a version it did not expect asks that node for one. A node
 * not heard for `nodeTimeoutMs` is dead: its devices are dropped everywhere, and
 * the surviving node with the smallest id hands them to `onDevicesLost` (it
 * announces those users offline and stores their last seen), so that happens once.
 * A node that stops on purpose says so (`node.leaving`) after its own users went.
 */
import { newEventId } from '../domain/ids';
import type { Bus, Subscription } from '../ports/bus';
import { topics } from '../ports/bus';
import type { BusEvent, EventBody } from '../ports/bus-events';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { DeviceState, PresenceRegistry } from '../ports/presence';
import { DeviceIndex } from './device-index';

export interface BusRegistryOptions {
  heartbeatMs: number;
  /** A node silent this long is dead (the documented bound for its users to go offline). */
  nodeTimeoutMs: number;
  /** Devices per snapshot event (bus payloads are bounded). */
  snapshotChunk: number;
}

export const defaultBusRegistryOptions: BusRegistryOptions = {
  heartbeatMs: 2000,
  nodeTimeoutMs: 7000,
  snapshotChunk: 2000,
};

interface Peer {
  version: number;
  lastHeard: number;
  /** Chunks of a snapshot still expected (the version applies after the last). */
  pendingSnapshot?: { version: number; received: number; chunks: number; since: number };
}

export class BusPresenceRegistry implements PresenceRegistry {
  private readonly devices = new DeviceIndex();
  private readonly peers = new Map<string, Peer>();
  private version = 0;
  private subscription: Subscription | undefined;
  private timer: { cancel(): void } | undefined;
  private stopGap: (() => void) | undefined;
  private listener: ((lost: DeviceState[]) => void) | undefined;
  private stopped = false;

  constructor(
    readonly nodeId: string,
    private readonly deps: { bus: Bus; clock: Clock; logger: Logger },
    private readonly options: BusRegistryOptions = defaultBusRegistryOptions,
  ) {}

  async start(): Promise<void> {
    this.subscription = this.deps.bus.subscribe(topics.nodes, (event) => this.onEvent(event));
    this.stopGap = this.deps.bus.onGap?.(() => this.hello([]));
    await this.subscription.ready;
    this.hello([]);
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.stopGap?.();
    await this.publish({ v: 1, type: 'node.leaving', nodeId: this.nodeId }).catch(() => undefined);
    this.subscription?.unsubscribe();
  }

  put(device: Omit<DeviceState, 'nodeId'>): void {
    const full = { ...device, nodeId: this.nodeId };
    this.devices.put(full);
    this.version += 1;
    void this.publish({
      v: 1,
      type: 'node.devices',
      nodeId: this.nodeId,
      version: this.version,
      put: [full],
      removed: [],
    });
  }

  remove(connectionId: string): DeviceState | undefined {
    const device = this.devices.remove(connectionId);
    if (!device) return undefined;
    this.version += 1;
    void this.publish({
      v: 1,
      type: 'node.devices',
      nodeId: this.nodeId,
      version: this.version,
      put: [],
      removed: [connectionId],
    });
    return device;
  }

  devicesOf(userId: string): DeviceState[] {
    return this.devices.ofUser(userId);
  }

  onDevicesLost(listener: (lost: DeviceState[]) => void): void {
    this.listener = listener;
  }

  /** Nodes this one hears (itself included), for tests and metrics. */
  get liveNodes(): string[] {
    return [this.nodeId, ...this.peers.keys()].sort();
  }

  private publish(body: EventBody): Promise<void> {
    // A lost change is repaired: the next heartbeat's version shows the gap and peers ask for a snapshot.
    return this.deps.bus.publish(topics.nodes, { ...body, id: newEventId() }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, type: body.type }, 'presence registry: publish failed');
    });
  }

  private hello(want: string[]): void {
    void this.publish({ v: 1, type: 'node.hello', nodeId: this.nodeId, want });
  }

  private tick(): void {
    if (this.stopped) return;
    void this.publish({ v: 1, type: 'node.heartbeat', nodeId: this.nodeId, version: this.version });
    this.expirePeers();
    this.timer = this.deps.clock.setTimeout(() => this.tick(), this.options.heartbeatMs);
  }

  private expirePeers(): void {
    const now = this.deps.clock.now();
    for (const [nodeId, peer] of this.peers) {
      if (now - peer.lastHeard <= this.options.nodeTimeoutMs) continue;
      this.peers.delete(nodeId);
      const lost = this.devices.dropNode(nodeId);
      this.deps.logger.warn({ node: nodeId, devices: lost.length }, 'presence: a node stopped answering');
      // The smallest live id announces, so that each lost user is announced once.
      if (lost.length > 0 && this.liveNodes[0] === this.nodeId) this.listener?.(lost);
    }
  }

  private onEvent(event: BusEvent): void {
    if (!('nodeId' in event) || event.nodeId === this.nodeId) return;
    switch (event.type) {
      case 'node.hello':
        this.heard(event.nodeId);
        if (event.want.length === 0 || event.want.includes(this.nodeId)) this.sendSnapshot();
        return;
      case 'node.heartbeat': {
        const peer = this.heard(event.nodeId);
        if (peer.version === event.version) return;
        // Behind (a change was lost): ask again, unless a snapshot is on its way (a lost chunk expires it).
        const pending = peer.pendingSnapshot;
        if (pending && this.deps.clock.now() - pending.since < 2 * this.options.heartbeatMs) return;
        delete peer.pendingSnapshot;
        this.hello([event.nodeId]);
        return;
      }
      case 'node.devices':
        this.onDevices(event);
        return;
      case 'node.leaving':
        this.peers.delete(event.nodeId);
        this.devices.dropNode(event.nodeId);
        return;
      default:
        return;
    }
  }

  private heard(nodeId: string): Peer {
    let peer = this.peers.get(nodeId);
    if (!peer) {
      peer = { version: -1, lastHeard: 0 };
      this.peers.set(nodeId, peer);
    }
    peer.lastHeard = this.deps.clock.now();
    return peer;
  }

  private onDevices(event: Extract<BusEvent, { type: 'node.devices' }>): void {
    const peer = this.heard(event.nodeId);
    if (event.snapshot) {
      const { chunk, chunks } = event.snapshot;
      if (chunk === 0) {
        this.devices.dropNode(event.nodeId);
        peer.pendingSnapshot = { version: event.version, received: 0, chunks, since: this.deps.clock.now() };
      }
      const pending = peer.pendingSnapshot;
      if (!pending || pending.version !== event.version) return; // a chunk of a snapshot we did not start
      for (const device of event.put) this.devices.put(device);
      pending.received += 1;
      if (pending.received === pending.chunks) {
        peer.version = pending.version;
        delete peer.pendingSnapshot;
      }
      return;
    }
    for (const device of event.put) this.devices.put(device);
    for (const connectionId of event.removed) this.devices.remove(connectionId);
    if (peer.pendingSnapshot) return; // the snapshot's version will say where we are
    if (event.version !== peer.version + 1) this.hello([event.nodeId]);
    peer.version = event.version;
  }

  private sendSnapshot(): void {
    const mine = this.devices.ofNode(this.nodeId);
    const size = this.options.snapshotChunk;
    const chunks = Math.max(1, Math.ceil(mine.length / size));
    for (let chunk = 0; chunk < chunks; chunk++) {
      void this.publish({
        v: 1,
        type: 'node.devices',
        nodeId: this.nodeId,
        version: this.version,
        put: mine.slice(chunk * size, (chunk + 1) * size),
        removed: [],
        snapshot: { chunk, chunks },
      });
    }
  }
}
