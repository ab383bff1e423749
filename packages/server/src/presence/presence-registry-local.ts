/**
 * The presence registry of a single node: a map in memory. No other node exists,
 * so nothing is ever lost to a dead node.
 */
import type { DeviceState, PresenceRegistry } from '../ports/presence';
import { DeviceIndex } from './device-index';

export class LocalPresenceRegistry implements PresenceRegistry {
  private readonly devices = new DeviceIndex();

  constructor(readonly nodeId: string) {}

  get liveNodes(): string[] {
    return [this.nodeId];
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  put(device: Omit<DeviceState, 'nodeId'>): void {
    this.devices.put({ ...device, nodeId: this.nodeId });
  }

  remove(connectionId: string): DeviceState | undefined {
    return this.devices.remove(connectionId);
  }

  devicesOf(userId: string): DeviceState[] {
    return this.devices.ofUser(userId);
  }

  onDevicesLost(): void {
    // One node: nothing is ever lost to another.
  }
}
