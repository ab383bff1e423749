/**
 * The presence registry port: which devices of which users are connected, on
 * every node. Each node puts and removes its own devices; every node can read all
 * of them (`devicesOf`), so any node aggregates a user's presence and routes by
 * resource. Implementations (presence/) pass presence/presence-registry.contract.ts:
 * an in-process one for a single node, and one shared through the bus with
 * heartbeats for a cluster, where the devices of a node that stops answering are
 * dropped within `nodeTimeoutMs` and handed to one surviving node to announce.
 */
import type { SettablePresence } from '@parley/protocol';

export interface DeviceState {
  userId: string;
  /** One socket (a connection id, unique across the cluster). */
  connectionId: string;
  /** The session (device) it belongs to. */
  sessionId: string;
  /** Its resource: the XMPP resource, or the native device's name for XMPP peers. */
  resource: string;
  status: SettablePresence;
  /** XMPP priority (RFC 6121 4.7.2.3); 0 for native devices. */
  priority: number;
  /** An XMPP resource (bare-JID messages are routed among these); absent for native devices. */
  xmpp?: boolean;
  /** The device's own status text (an XMPP resource's `<status/>`); absent: the profile's. */
  statusText?: string;
  /** The node holding the socket. */
  nodeId: string;
}

export interface PresenceRegistry {
  readonly nodeId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Adds or updates a device held by this node. */
  put(device: Omit<DeviceState, 'nodeId'>): void;
  /** Removes a device held by this node; returns it, or undefined when it was not there. */
  remove(connectionId: string): DeviceState | undefined;
  /** The nodes this one knows to be alive, itself included, by id (sorted). */
  readonly liveNodes: string[];
  /** Every connected device of a user, on every node this one knows to be alive. */
  devicesOf(userId: string): DeviceState[];
  /**
   * Devices dropped because their node stopped answering. Called on one surviving
   * node only (the one that announces their users' presence and last seen).
   */
  onDevicesLost(listener: (lost: DeviceState[]) => void): void;
}
