/**
 * Devices indexed by connection, by user and by node: what both presence
 * registries keep (the shared one holds every node's devices).
 */
import type { DeviceState } from '../ports/presence';

export class DeviceIndex {
  private readonly byConnection = new Map<string, DeviceState>();
  private readonly byUser = new Map<string, Map<string, DeviceState>>();
  private readonly byNode = new Map<string, Set<string>>();

  get size(): number {
    return this.byConnection.size;
  }

  put(device: DeviceState): void {
    const previous = this.byConnection.get(device.connectionId);
    if (previous && previous.userId !== device.userId) this.remove(device.connectionId);
    this.byConnection.set(device.connectionId, device);
    let mine = this.byUser.get(device.userId);
    if (!mine) {
      mine = new Map();
      this.byUser.set(device.userId, mine);
    }
    mine.set(device.connectionId, device);
    let onNode = this.byNode.get(device.nodeId);
    if (!onNode) {
      onNode = new Set();
      this.byNode.set(device.nodeId, onNode);
    }
    onNode.add(device.connectionId);
  }

  remove(connectionId: string): DeviceState | undefined {
    const device = this.byConnection.get(connectionId);
    if (!device) return undefined;
    this.byConnection.delete(connectionId);
    const mine = this.byUser.get(device.userId);
    mine?.delete(connectionId);
    if (mine?.size === 0) this.byUser.delete(device.userId);
    const onNode = this.byNode.get(device.nodeId);
    onNode?.delete(connectionId);
    if (onNode?.size === 0) this.byNode.delete(device.nodeId);
    return device;
  }

  ofUser(userId: string): DeviceState[] {
    const mine = this.byUser.get(userId);
    return mine ? [...mine.values()] : [];
  }

  ofNode(nodeId: string): DeviceState[] {
    const ids = this.byNode.get(nodeId);
    return ids ? [...ids].flatMap((id) => this.byConnection.get(id) ?? []) : [];
  }

  /** Removes every device of a node; returns them. */
  dropNode(nodeId: string): DeviceState[] {
    const devices = this.ofNode(nodeId);
    for (const device of devices) this.remove(device.connectionId);
    return devices;
  }
}
