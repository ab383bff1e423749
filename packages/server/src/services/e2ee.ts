/**
 * The MLS delivery service (RFC 9420 16; issue 15): devices and their signature keys, the
 * key-package directory, and the ordering of each encrypted conversation's commits, one epoch
 * at a time. It reads only MLS framing (domain/mls.ts), never content, and holds no group
 * secret. A commit and its effects (the epoch, the group's devices, Welcome messages for the
 * added devices, the commit's entry in the conversation's sequence and its event) commit in
 * one transaction, so a refused commit leaves nothing behind. Membership stays Parley's: a
 * commit may add only devices of members, and once someone leaves or is removed, nothing more
 * is accepted in the group until a commit removes their devices (`e2ee_commit_required`).
 */
import {
  E2EE_CIPHER_SUITE,
  E2EE_FRAMING_BYTES,
  E2EE_LOW_KEY_PACKAGES,
  E2EE_MAX_HANDSHAKE_BYTES,
  E2EE_MAX_KEY_PACKAGES,
  type CommitBody,
  type Conversation,
  type E2eeDevice,
  type E2eeGroup,
  type E2eeWelcome,
  type KeyPackageCountResponse,
  type Message,
  type MlsContent,
  type MlsSendContent,
  type ClaimKeyPackagesResponse,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { checkFraming, checkWelcome, fromBase64, keyPackageRefusal, readFraming } from '../domain/mls';
import { topics } from '../ports/bus';
import type { E2eeDeviceRecord, GroupDevice, GroupDeviceState, NewKeyPackage } from '../ports/e2ee-records';
import type { AuthContext } from './accounts';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import { nativeResource } from './presence';

function toDevice(record: E2eeDeviceRecord): E2eeDevice {
  return {
    deviceId: record.deviceId,
    userId: record.userId,
    signatureKey: record.signatureKey,
    createdAt: record.createdAt,
    active: record.active,
  };
}

function checkBytes(bytes: Uint8Array, max: number, field: string): void {
  if (bytes.byteLength > max) {
    throw new AppError('frame_too_large', `The ${field} has ${bytes.byteLength} bytes; the limit is ${max}.`, {
      details: { field, bytes: bytes.byteLength, max },
    });
  }
}

/** Devices the group must lose: those of people who are no longer members, and logged-out ones. */
function stale(devices: readonly GroupDeviceState[], memberIds: ReadonlySet<string>): string[] {
  return devices.filter((d) => d.revoked || !memberIds.has(d.userId)).map((d) => d.deviceId);
}

export interface CommitResult {
  message: Message;
  epoch: number;
  duplicate: boolean;
}

export class E2eeService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
  ) {}

  /** Registers the calling session as a device with its MLS signature key (idempotent for the same key). */
  async registerDevice(auth: AuthContext, signatureKey: string): Promise<E2eeDevice> {
    const key = fromBase64(signatureKey, 'signature key');
    if (key.byteLength !== 32) {
      throw new AppError('bad_request', 'The signature key must be an Ed25519 public key (32 bytes).');
    }
    const stored = await this.deps.store.registerDevice({
      deviceId: auth.session.id,
      userId: auth.user.id,
      signatureKey,
      createdAt: this.deps.clock.now(),
    });
    if (stored.signatureKey !== signatureKey || stored.userId !== auth.user.id) {
      throw new AppError(
        'invalid_operation',
        'This device already has another signature key: log in again as a new device.',
      );
    }
    return toDevice(stored);
  }

  /** The calling session's device; `e2ee_no_device` when it has not registered. */
  async myDevice(auth: AuthContext): Promise<E2eeDeviceRecord> {
    const device = await this.deps.store.getDevice(auth.session.id);
    if (!device || device.userId !== auth.user.id) {
      throw new AppError('e2ee_no_device', 'This session is not a registered end-to-end encryption device.');
    }
    return device;
  }

  /** A user's devices (anyone signed in may list them, to encrypt for them and to verify keys). */
  async devices(userId: string): Promise<E2eeDevice[]> {
    return (await this.deps.store.listDevices([userId])).map(toDevice);
  }

  /**
   * Publishes key packages of the calling device. Every package is checked before any is
   * stored (all or nothing): suite, credential identity, signature key, signatures.
   */
  async uploadKeyPackages(
    auth: AuthContext,
    keyPackages: readonly string[],
    lastResort: string | undefined,
  ): Promise<KeyPackageCountResponse> {
    const device = await this.myDevice(auth);
    const all = [
      ...keyPackages.map((data) => ({ data, lastResort: false })),
      ...(lastResort ? [{ data: lastResort, lastResort: true }] : []),
    ];
    const now = this.deps.clock.now();
    const packages: NewKeyPackage[] = [];
    for (const [index, kp] of all.entries()) {
      let bytes: Uint8Array;
      try {
        bytes = fromBase64(kp.data, 'key package');
      } catch {
        throw new AppError('e2ee_key_package_invalid', 'A key package is not base64.', {
          details: { index, reason: 'base64' },
        });
      }
      checkBytes(bytes, E2EE_MAX_HANDSHAKE_BYTES, 'key package');
      const reason = await keyPackageRefusal(bytes, device);
      if (reason !== null) {
        throw new AppError('e2ee_key_package_invalid', `Key package ${index} was refused (${reason}).`, {
          details: { index, reason },
        });
      }
      packages.push({ id: newId('kp', now), data: kp.data, lastResort: kp.lastResort });
    }
    const before = await this.deps.store.countKeyPackages(device.deviceId);
    const oneTime = packages.filter((p) => !p.lastResort).length;
    if (before.count + oneTime > E2EE_MAX_KEY_PACKAGES) {
      throw new AppError('limit_reached', `A device keeps at most ${E2EE_MAX_KEY_PACKAGES} key packages.`, {
        details: { limit: 'key_packages', max: E2EE_MAX_KEY_PACKAGES },
      });
    }
    const count = await this.deps.store.addKeyPackages(device.deviceId, packages, now);
    return { ...count, low: count.count < E2EE_LOW_KEY_PACKAGES };
  }

  async keyPackageCount(auth: AuthContext): Promise<KeyPackageCountResponse> {
    const device = await this.myDevice(auth);
    const count = await this.deps.store.countKeyPackages(device.deviceId);
    return { ...count, low: count.count < E2EE_LOW_KEY_PACKAGES };
  }

  /**
   * One key package per registered device of each user (deleted as it is handed out; the
   * last-resort package is handed out and kept). Only for users the caller shares a
   * conversation with or is about to add: any signed-in user may ask, as for a profile.
   * Each package handed out counts against the caller's budget
   * (PARLEY_RATE_KEY_PACKAGE_CLAIMS_PER_MIN), so nobody can drain everyone's packages.
   */
  async claimKeyPackages(auth: AuthContext, userIds: readonly string[]): Promise<ClaimKeyPackagesResponse> {
    const devices = (await this.deps.store.listDevices([...new Set(userIds)])).filter(
      (device) => device.deviceId !== auth.session.id && device.active,
    );
    const decision = await this.deps.rates.take('keyPackages', auth.user.id, Math.max(1, devices.length));
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'Too many key packages claimed: wait and retry.', {
        details: { retryAfterMs: decision.retryAfterMs },
      });
    }
    const keyPackages: ClaimKeyPackagesResponse['keyPackages'] = [];
    const missingDeviceIds: string[] = [];
    for (const device of devices) {
      const claimed = await this.deps.store.claimKeyPackage(device.deviceId);
      if (!claimed) {
        missingDeviceIds.push(device.deviceId);
        continue;
      }
      keyPackages.push({
        userId: device.userId,
        deviceId: device.deviceId,
        keyPackage: claimed.data,
        lastResort: claimed.lastResort,
      });
      const left = await this.deps.store.countKeyPackages(device.deviceId);
      if (left.count < E2EE_LOW_KEY_PACKAGES) {
        this.deps.logger.debug({ deviceId: device.deviceId, count: left.count }, 'e2ee device low on key packages');
      }
    }
    return { keyPackages, missingDeviceIds };
  }

  /** The group of an encrypted conversation, for one of its members. */
  async group(auth: AuthContext, conversationId: string): Promise<E2eeGroup> {
    const { conversation } = await this.conversations.authorize(auth, conversationId, 'read');
    return this.describe(conversation);
  }

  private async describe(conversation: Conversation): Promise<E2eeGroup> {
    const group = await this.deps.store.getGroup(conversation.id);
    if (conversation.encryption !== 'mls' || !group) {
      throw new AppError('e2ee_not_encrypted', 'This conversation is not end-to-end encrypted.');
    }
    const devices = await this.deps.store.listGroupDevices(conversation.id);
    const memberIds = new Set(conversation.members.map((m) => m.userId));
    const inGroup = new Set(devices.map((d) => d.deviceId));
    const registered = await this.deps.store.listDevices([...memberIds]);
    return {
      conversationId: conversation.id,
      cipherSuite: group.cipherSuite,
      epoch: group.epoch,
      devices: devices.map((d) => ({ deviceId: d.deviceId, userId: d.userId })),
      pendingRemovals: stale(devices, memberIds),
      pendingAdds: registered
        .filter((d) => d.active && !inGroup.has(d.deviceId))
        .map((d) => ({ deviceId: d.deviceId, userId: d.userId })),
    };
  }

  /**
   * An application message for `message.send` in an encrypted conversation: a PrivateMessage
   * of this group, of an epoch it has reached, from a device in the group, and nobody left
   * in the group who is no longer a member. Returns the content as stored.
   */
  async checkApplication(auth: AuthContext, conversation: Conversation, content: MlsSendContent): Promise<MlsContent> {
    const group = await this.deps.store.getGroup(conversation.id);
    if (!group) throw new AppError('e2ee_not_encrypted', 'This conversation has no MLS group.');
    const bytes = fromBase64(content.data, 'message');
    checkBytes(bytes, this.deps.limits.maxMessageBytes + E2EE_FRAMING_BYTES, 'message');
    const framing = readFraming(bytes, 'message');
    if (framing.epoch > group.epoch) {
      throw new AppError(
        'e2ee_malformed',
        `The message is for epoch ${framing.epoch}; the group is at ${group.epoch}.`,
        {
          details: { reason: 'epoch', field: 'message', epoch: group.epoch },
        },
      );
    }
    checkFraming(
      framing,
      { conversationId: conversation.id, epoch: content.epoch, contentType: 'application' },
      'message',
    );
    const devices = await this.deps.store.listGroupDevices(conversation.id);
    if (!devices.some((d) => d.deviceId === auth.session.id)) {
      throw new AppError('e2ee_no_device', "This device is not in the conversation's MLS group (yet).");
    }
    await this.checkNoPendingRemovals(conversation, devices);
    return { type: 'mls', kind: 'application', epoch: content.epoch, data: content.data, deviceId: auth.session.id };
  }

  private async checkNoPendingRemovals(
    conversation: Conversation,
    devices: readonly GroupDeviceState[],
  ): Promise<void> {
    const members =
      conversation.members.length > 0 ? conversation.members : (await this.conversations.load(conversation.id)).members;
    const memberIds = new Set(members.map((m) => m.userId));
    const pending = stale(devices, memberIds);
    if (pending.length > 0) {
      throw new AppError(
        'e2ee_commit_required',
        'Devices of people who left (or logged-out devices) are still in the group: commit their removal first.',
        {
          details: { deviceIds: pending },
        },
      );
    }
  }

  /**
   * Accepts a commit for the group's current epoch, or refuses it with a typed error and
   * nothing written: `e2ee_stale_epoch` when another commit took the epoch first (on any node:
   * the store's compare-and-set decides), `e2ee_malformed` for a message that is not a commit
   * of this group at that epoch, `forbidden` for adds of non-members or removals of others'
   * devices while they are members.
   */
  async commit(auth: AuthContext, conversationId: string, body: CommitBody): Promise<CommitResult> {
    const existing = await this.deps.store.getMessageByClientId(auth.user.id, body.clientId);
    if (existing) {
      if (
        existing.conversationId !== conversationId ||
        existing.content.type !== 'mls' ||
        existing.content.data !== body.commit
      ) {
        throw new AppError(
          'client_id_conflict',
          'This client id was already used for a different message: use a new one.',
        );
      }
      return { message: existing, epoch: existing.content.epoch + 1, duplicate: true };
    }
    const { conversation } = await this.conversations.authorize(auth, conversationId, 'read');
    const group = await this.deps.store.getGroup(conversationId);
    if (conversation.encryption !== 'mls' || !group) {
      throw new AppError('e2ee_not_encrypted', 'This conversation is not end-to-end encrypted.');
    }
    const commitBytes = fromBase64(body.commit, 'commit');
    checkBytes(commitBytes, E2EE_MAX_HANDSHAKE_BYTES, 'commit');
    const framing = readFraming(commitBytes, 'commit');
    checkFraming(framing, { conversationId, epoch: body.epoch, contentType: 'commit' }, 'commit');
    if (body.epoch !== group.epoch) throw this.stale(group.epoch);

    const devices = await this.deps.store.listGroupDevices(conversationId);
    if (!devices.some((d) => d.deviceId === auth.session.id)) {
      throw new AppError('e2ee_no_device', "This device is not in the conversation's MLS group.");
    }
    const memberIds = new Set(conversation.members.map((m) => m.userId));
    const inGroup = new Map(devices.map((d) => [d.deviceId, d]));
    const addIds = [...new Set(body.addDeviceIds ?? [])];
    const removeIds = [...new Set(body.removeDeviceIds ?? [])];
    const added: GroupDevice[] = [];
    for (const deviceId of addIds) {
      const device = await this.deps.store.getDevice(deviceId);
      if (!device || !device.active)
        throw new AppError('not_found', 'No such device (or it logged out).', { details: { deviceId } });
      if (inGroup.has(deviceId))
        throw new AppError('invalid_operation', 'The device is in the group already.', { details: { deviceId } });
      if (!memberIds.has(device.userId)) {
        throw new AppError(
          'forbidden',
          'Only devices of members can be added: add the person to the conversation first.',
          {
            details: { deviceId, userId: device.userId },
          },
        );
      }
      added.push({ deviceId, userId: device.userId });
    }
    for (const deviceId of removeIds) {
      const device = inGroup.get(deviceId);
      if (!device) throw new AppError('not_found', 'The device is not in the group.', { details: { deviceId } });
      // Your own devices, and devices of people who are no longer members; a member is removed
      // from the conversation (kick, ban, leave), and then from the group.
      if (device.userId !== auth.user.id && memberIds.has(device.userId) && !device.revoked) {
        throw new AppError('forbidden', 'Remove the person from the conversation; their devices follow.', {
          details: { deviceId, userId: device.userId },
        });
      }
    }
    if (added.length > 0) {
      if (body.welcome === undefined)
        throw new AppError('bad_request', 'A commit that adds devices needs its Welcome.');
      const welcomeBytes = fromBase64(body.welcome, 'welcome');
      checkBytes(welcomeBytes, E2EE_MAX_HANDSHAKE_BYTES, 'welcome');
      checkWelcome(welcomeBytes);
    } else if (body.welcome !== undefined) {
      throw new AppError('bad_request', 'A Welcome goes with a commit that adds devices (`addDeviceIds`).');
    }

    const now = this.deps.clock.now();
    const content: MlsContent = {
      type: 'mls',
      kind: 'commit',
      epoch: body.epoch,
      data: body.commit,
      deviceId: auth.session.id,
      ...(added.length > 0 ? { addedDeviceIds: added.map((d) => d.deviceId) } : {}),
      ...(removeIds.length > 0 ? { removedDeviceIds: removeIds } : {}),
    };
    const message = await this.deps.store.transaction(async (tx) => {
      // The compare-and-set first: the loser of a race writes nothing at all.
      if (!(await tx.advanceEpoch(conversationId, body.epoch, now))) {
        const current = await tx.getGroup(conversationId);
        throw this.stale(current?.epoch ?? body.epoch + 1);
      }
      await tx.removeGroupDevices(conversationId, removeIds);
      await tx.addGroupDevices(conversationId, added, body.epoch + 1);
      const appended = await tx.appendMessage({
        id: newId('m', now),
        conversationId,
        senderId: auth.user.id,
        clientId: body.clientId,
        content,
        createdAt: now,
      });
      if (appended.duplicate) {
        throw new AppError('client_id_conflict', 'This client id was already used: use a new one.');
      }
      if (body.welcome !== undefined) {
        const welcome = body.welcome;
        await tx.addWelcomes(
          added.map((d) => ({
            id: newId('w', now),
            deviceId: d.deviceId,
            conversationId,
            epoch: body.epoch + 1,
            commitSeq: appended.message.seq,
            data: welcome,
            createdAt: now,
          })),
        );
      }
      await tx.emit(topics.conversation(conversationId), {
        v: 1,
        type: 'message.new',
        message: appended.message,
        route: { resource: nativeResource(auth.session.id) },
      });
      return appended.message;
    });
    return { message, epoch: body.epoch + 1, duplicate: false };
  }

  private stale(epoch: number): AppError {
    return new AppError(
      'e2ee_stale_epoch',
      `The group is at epoch ${epoch}: process the commits you missed, then commit again.`,
      {
        details: { epoch },
      },
    );
  }

  /** Welcome messages waiting for the calling device. */
  async welcomes(auth: AuthContext): Promise<E2eeWelcome[]> {
    const device = await this.myDevice(auth);
    const records = await this.deps.store.listWelcomes(device.deviceId);
    return records.map((w) => ({
      id: w.id,
      conversationId: w.conversationId,
      epoch: w.epoch,
      commitSeq: w.commitSeq,
      welcome: w.data,
      createdAt: w.createdAt,
    }));
  }

  /** The device has joined from this Welcome (or given up on it): it is deleted. */
  async ackWelcome(auth: AuthContext, id: string): Promise<void> {
    const device = await this.myDevice(auth);
    if (!(await this.deps.store.deleteWelcome(device.deviceId, id)))
      throw new AppError('not_found', 'No such Welcome.');
  }
}

/** The suite a new group records. */
export const GROUP_CIPHER_SUITE = E2EE_CIPHER_SUITE;
