/**
 * The part of the store port about end-to-end encrypted conversations (MLS delivery
 * service, RFC 9420 16): devices and their signature keys, the key-package directory,
 * each encrypted conversation's group (its epoch and devices) and waiting Welcome
 * messages. The epoch lives in the store, not in a node's memory: `advanceEpoch` is a
 * compare-and-set, so one commit per epoch wins across every node of a cluster.
 */

export interface E2eeDeviceRecord {
  deviceId: string;
  userId: string;
  /** Ed25519 public key, base64. */
  signatureKey: string;
  createdAt: number;
  /** Its session is alive (false once logged out or revoked; the key stays on record). */
  active: boolean;
}

export interface NewKeyPackage {
  id: string;
  /** The MLSMessage holding the KeyPackage, base64. */
  data: string;
  lastResort: boolean;
}

export interface KeyPackageCount {
  /** One-time packages left. */
  count: number;
  lastResort: boolean;
}

export interface E2eeGroupRecord {
  conversationId: string;
  cipherSuite: number;
  epoch: number;
}

export interface GroupDevice {
  deviceId: string;
  userId: string;
}

/** A device in a group, and whether its session is gone (logged out or revoked: it must be removed). */
export interface GroupDeviceState extends GroupDevice {
  revoked: boolean;
}

export interface WelcomeRecord {
  id: string;
  deviceId: string;
  conversationId: string;
  epoch: number;
  commitSeq: number;
  data: string;
  createdAt: number;
}

export interface E2eeRecords {
  /** Registers a device; an existing device is returned unchanged (the caller compares keys). */
  registerDevice(device: Omit<E2eeDeviceRecord, 'active'>): Promise<E2eeDeviceRecord>;
  getDevice(deviceId: string): Promise<E2eeDeviceRecord | undefined>;
  /** The registered devices of these users, oldest first, logged-out ones included (`active: false`). */
  listDevices(userIds: readonly string[]): Promise<E2eeDeviceRecord[]>;
  /**
   * Stores key packages of one device; a last-resort package replaces the device's previous
   * one. Returns the device's count afterwards.
   */
  addKeyPackages(deviceId: string, packages: readonly NewKeyPackage[], now: number): Promise<KeyPackageCount>;
  countKeyPackages(deviceId: string): Promise<KeyPackageCount>;
  /**
   * Hands out one key package of the device: the oldest one-time package, deleted in the same
   * statement (two claims on two nodes never get the same one), else the last-resort package,
   * which stays. Undefined when the device has none.
   */
  claimKeyPackage(deviceId: string): Promise<{ data: string; lastResort: boolean } | undefined>;
  /** Creates the group of an encrypted conversation at epoch 0 with its creator's device. */
  createGroup(group: E2eeGroupRecord, devices: readonly GroupDevice[], now: number): Promise<void>;
  getGroup(conversationId: string): Promise<E2eeGroupRecord | undefined>;
  listGroupDevices(conversationId: string): Promise<GroupDeviceState[]>;
  /** Moves the group from `fromEpoch` to the next; false (nothing written) when it is no longer at `fromEpoch`. */
  advanceEpoch(conversationId: string, fromEpoch: number, now: number): Promise<boolean>;
  addGroupDevices(conversationId: string, devices: readonly GroupDevice[], epoch: number): Promise<void>;
  removeGroupDevices(conversationId: string, deviceIds: readonly string[]): Promise<void>;
  addWelcomes(welcomes: readonly WelcomeRecord[]): Promise<void>;
  listWelcomes(deviceId: string): Promise<WelcomeRecord[]>;
  /** Deletes a Welcome the device has processed; false when there was none. */
  deleteWelcome(deviceId: string, id: string): Promise<boolean>;
}
