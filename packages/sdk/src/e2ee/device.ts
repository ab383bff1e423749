/**
 * One device's end-to-end encryption (MLS, RFC 9420, with ts-mls: not independently audited,
 * see docs/security.md). It owns the device's signature key, its key packages, and its state
 * in each encrypted conversation's group, all kept in a {@link KeyStore}; it talks to the
 * server's delivery service through {@link HttpClient}. The server orders commits (one per
 * epoch): a commit that lost a race is retried after processing the winner. Messages are
 * processed in seq order (`catchUp`); each one comes back decrypted or with the reason, in
 * words, why it cannot be read.
 *
 * @example
 * ```ts
 * const device = await E2eeDevice.open({ http, userId, deviceId: session.id, keystore });
 * await device.publishKeyPackages();
 * const conversation = await device.createGroup('Project', [bobId]);
 * await device.send(conversation.id, 'hello');
 * const messages = await device.catchUp(conversation.id); // [{ message, text }]
 * ```
 */
import type { Conversation, E2eeGroup, Message, MlsContent } from '@parley/protocol';
import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeGroupState,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroup,
  processMessage,
  type ClientState,
  type CiphersuiteImpl,
  type KeyPackage,
  type PrivateKeyPackage,
  type Proposal,
} from 'ts-mls';
import { defaultClientConfig, type ClientConfig } from 'ts-mls/clientConfig.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { ParleyError } from '../errors';
import type { HttpClient } from '../http';
import type { KeyStore } from './keystore';
import { suiteImpl } from './suite';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const toBase64 = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
};
const fromBase64 = (value: string): Uint8Array => Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** How many one-time key packages a device keeps published. */
export const KEY_PACKAGE_TARGET = 20;
/** How many times a commit that lost its epoch is made again before giving up. */
const COMMIT_ATTEMPTS = 5;

/** What a decrypted application message carries (inside the ciphertext). */
export interface E2eePayload {
  type: 'text';
  text: string;
}

/** A message of an encrypted conversation as this device reads it. */
export interface DecryptedMessage {
  message: Message;
  /** The plaintext payload, when it could be read. */
  payload?: E2eePayload;
  /** Why it cannot be read, in words (never silently dropped). */
  unreadable?: string;
}

/** Options of {@link E2eeDevice.open}. */
export interface E2eeDeviceOptions {
  http: HttpClient;
  userId: string;
  /** The session id: a device is a session. */
  deviceId: string;
  keystore: KeyStore;
}

interface StoredKeyPackage {
  public: string;
  initPrivateKey: string;
  hpkePrivateKey: string;
  signaturePrivateKey: string;
  lastResort: boolean;
}

interface StoredGroup {
  state: string;
  /** The last seq processed (commits and application messages). */
  seq: number;
}

/** The MLS credential identity of a device: `<userId>:<deviceId>`. */
export function deviceIdentity(userId: string, deviceId: string): string {
  return `${userId}:${deviceId}`;
}

/** The reason, in words, why an MLS message could not be processed. */
export function unreadableReason(error: unknown, content: MlsContent, state: ClientState | undefined): string {
  if (!state)
    return "This device is not a member of the conversation's encryption group: it was added after this message, or never.";
  if (state.groupActiveState.kind === 'removedFromGroup') {
    return 'This device was removed from the conversation: messages sent after that are not readable on it.';
  }
  if (BigInt(content.epoch) < state.groupContext.epoch - 3n) {
    return `The message was encrypted in epoch ${content.epoch}, whose keys this device no longer keeps (it is at epoch ${state.groupContext.epoch}).`;
  }
  if (BigInt(content.epoch) > state.groupContext.epoch) {
    return `The message is from epoch ${content.epoch}, ahead of this device (epoch ${state.groupContext.epoch}): a commit is missing.`;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `The message could not be decrypted or authenticated (tampered with, replayed, or not meant for this device): ${detail}`;
}

export class E2eeDevice {
  private states = new Map<string, { state: ClientState; seq: number }>();
  /** Entries processed on the way (before a send or a commit) that `catchUp` has not returned yet. */
  private readonly pending = new Map<string, DecryptedMessage[]>();
  private readonly config: ClientConfig;
  /** Signature keys of devices as the server's directory lists them (the credential check). */
  private readonly knownKeys = new Map<string, string>();

  private constructor(
    private readonly options: E2eeDeviceOptions,
    private readonly cs: CiphersuiteImpl,
    private readonly signature: { signKey: Uint8Array; publicKey: Uint8Array },
  ) {
    this.config = {
      ...defaultClientConfig,
      // A member's leaf must carry the signature key its device registered with the server.
      authService: {
        validateCredential: async (credential, signaturePublicKey) => {
          if (credential.credentialType !== 'basic') return false;
          const identity = decoder.decode(credential.identity);
          const [userId, deviceId] = identity.split(':');
          if (!userId || !deviceId) return false;
          return (await this.deviceKey(userId, deviceId)) === toBase64(signaturePublicKey);
        },
      },
    };
  }

  /** Loads (or creates) the device's signature key and registers it with the server. */
  static async open(options: E2eeDeviceOptions): Promise<E2eeDevice> {
    const cs = await suiteImpl();
    const stored = await options.keystore.get('identity');
    let keys: { signKey: Uint8Array; publicKey: Uint8Array };
    if (stored) {
      const parsed = JSON.parse(decoder.decode(stored)) as { signKey: string; publicKey: string };
      keys = { signKey: fromBase64(parsed.signKey), publicKey: fromBase64(parsed.publicKey) };
    } else {
      keys = await cs.signature.keygen();
      const json = JSON.stringify({ signKey: toBase64(keys.signKey), publicKey: toBase64(keys.publicKey) });
      await options.keystore.set('identity', encoder.encode(json));
    }
    await options.http.registerE2eeDevice({ signatureKey: toBase64(keys.publicKey) });
    return new E2eeDevice(options, cs, keys);
  }

  get deviceId(): string {
    return this.options.deviceId;
  }

  /** The device's public signature key, base64 (what others see in the directory). */
  get signatureKey(): string {
    return toBase64(this.signature.publicKey);
  }

  private async deviceKey(userId: string, deviceId: string): Promise<string | undefined> {
    const key = `${userId}:${deviceId}`;
    if (!this.knownKeys.has(key)) {
      const { devices } = await this.options.http.e2eeDevices(userId);
      for (const d of devices) this.knownKeys.set(`${d.userId}:${d.deviceId}`, d.signatureKey);
    }
    return this.knownKeys.get(key);
  }

  private async newKeyPackage(lastResort: boolean): Promise<string> {
    const credential = {
      credentialType: 'basic' as const,
      identity: encoder.encode(deviceIdentity(this.options.userId, this.options.deviceId)),
    };
    const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
      credential,
      defaultCapabilities(),
      defaultLifetime,
      [],
      this.signature,
      this.cs,
    );
    const ref = toHex(await makeKeyPackageRef(publicPackage, this.cs.hash));
    const data = toBase64(
      encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage }),
    );
    const stored: StoredKeyPackage = {
      public: data,
      initPrivateKey: toBase64(privatePackage.initPrivateKey),
      hpkePrivateKey: toBase64(privatePackage.hpkePrivateKey),
      signaturePrivateKey: toBase64(privatePackage.signaturePrivateKey),
      lastResort,
    };
    await this.options.keystore.set(`kp/${ref}`, encoder.encode(JSON.stringify(stored)));
    return data;
  }

  /**
   * Tops the device's published key packages up to {@link KEY_PACKAGE_TARGET} (and a
   * last-resort one if it has none). Call it at start and when the server says `low`.
   */
  async publishKeyPackages(target = KEY_PACKAGE_TARGET): Promise<{ count: number; low: boolean }> {
    const current = await this.options.http.keyPackageCount();
    const keyPackages: string[] = [];
    for (let i = current.count; i < target; i++) keyPackages.push(await this.newKeyPackage(false));
    const lastResort = current.lastResort ? undefined : await this.newKeyPackage(true);
    if (keyPackages.length === 0 && lastResort === undefined) return current;
    return this.options.http.uploadKeyPackages({ keyPackages, ...(lastResort ? { lastResort } : {}) });
  }

  private async load(conversationId: string): Promise<{ state: ClientState; seq: number } | undefined> {
    const cached = this.states.get(conversationId);
    if (cached) return cached;
    const raw = await this.options.keystore.get(`group/${conversationId}`);
    if (!raw) return undefined;
    const stored = JSON.parse(decoder.decode(raw)) as StoredGroup;
    const decoded = decodeGroupState(fromBase64(stored.state), 0);
    if (!decoded) throw new ParleyError('internal', 'The stored group state is damaged.');
    const entry = { state: { ...decoded[0], clientConfig: this.config }, seq: stored.seq };
    this.states.set(conversationId, entry);
    return entry;
  }

  private async save(conversationId: string, state: ClientState, seq: number): Promise<void> {
    this.states.set(conversationId, { state, seq });
    const stored: StoredGroup = { state: toBase64(encodeGroupState(state)), seq };
    await this.options.keystore.set(`group/${conversationId}`, encoder.encode(JSON.stringify(stored)));
  }

  /** This device's epoch in a conversation's group (undefined: not in it). */
  async epoch(conversationId: string): Promise<number | undefined> {
    const entry = await this.load(conversationId);
    return entry && Number(entry.state.groupContext.epoch);
  }

  /** The group's exporter-derived authenticator: equal on every member at the same epoch. */
  async epochAuthenticator(conversationId: string): Promise<string | undefined> {
    const entry = await this.load(conversationId);
    return entry && toHex(entry.state.keySchedule.epochAuthenticator);
  }

  /**
   * Creates an encrypted group conversation with these members, and adds every registered
   * device of theirs (and this user's other devices) to its MLS group.
   */
  async createGroup(title: string, memberIds: readonly string[]): Promise<Conversation> {
    const { conversation } = await this.options.http.createGroup({
      title,
      memberIds: [...memberIds],
      encryption: 'mls',
    });
    const kpData = await this.newKeyPackage(false);
    const own = await this.privateKeyPackage(kpData);
    const state = await createGroup(
      encoder.encode(conversation.id),
      own.publicPackage,
      own.privatePackage,
      [],
      this.cs,
      this.config,
    );
    await this.save(conversation.id, state, conversation.lastSeq);
    await this.syncMembership(conversation.id);
    return conversation;
  }

  private async privateKeyPackage(
    data: string,
  ): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }> {
    const message = decodeMlsMessage(fromBase64(data), 0)?.[0];
    if (message?.wireformat !== 'mls_key_package') throw new ParleyError('internal', 'Not a key package.');
    const ref = toHex(await makeKeyPackageRef(message.keyPackage, this.cs.hash));
    const raw = await this.options.keystore.get(`kp/${ref}`);
    if (!raw) throw new ParleyError('internal', 'The private part of this key package is not in the keystore.');
    const stored = JSON.parse(decoder.decode(raw)) as StoredKeyPackage;
    return {
      publicPackage: message.keyPackage,
      privatePackage: {
        initPrivateKey: fromBase64(stored.initPrivateKey),
        hpkePrivateKey: fromBase64(stored.hpkePrivateKey),
        signaturePrivateKey: fromBase64(stored.signaturePrivateKey),
      },
    };
  }

  /**
   * Brings the group in line with the conversation: removes the devices of people who are no
   * longer members, and adds the registered devices of members that are not in it yet.
   * Returns the group as the server sees it afterwards.
   */
  async syncMembership(conversationId: string): Promise<E2eeGroup> {
    let { group } = await this.options.http.e2eeGroup(conversationId);
    if (group.pendingRemovals.length > 0) {
      await this.commitChange(conversationId, { removeDeviceIds: group.pendingRemovals });
      ({ group } = await this.options.http.e2eeGroup(conversationId));
    }
    const addUsers = [...new Set(group.pendingAdds.map((d) => d.userId))];
    if (addUsers.length > 0) {
      await this.commitChange(conversationId, { addUserIds: addUsers });
      ({ group } = await this.options.http.e2eeGroup(conversationId));
    }
    return group;
  }

  /** A commit with no proposals: fresh keys for this device (post-compromise security). */
  async rotate(conversationId: string): Promise<number> {
    return this.commitChange(conversationId, {});
  }

  /** Removes devices (your own, or those of people who left) from the group. */
  async removeDevices(conversationId: string, deviceIds: readonly string[]): Promise<number> {
    return this.commitChange(conversationId, { removeDeviceIds: deviceIds });
  }

  /**
   * Makes a commit for the group's current epoch and posts it; when another device took the
   * epoch first (`e2ee_stale_epoch`), processes what it missed and makes it again (bounded).
   * Returns the new epoch.
   */
  private async commitChange(
    conversationId: string,
    change: { addUserIds?: readonly string[]; removeDeviceIds?: readonly string[] },
  ): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      await this.advance(conversationId);
      const entry = await this.load(conversationId);
      if (!entry) throw new ParleyError('e2ee_no_device', "This device is not in the conversation's group.");
      const proposals: Proposal[] = [];
      const addDeviceIds: string[] = [];
      if (change.addUserIds && change.addUserIds.length > 0) {
        const { group } = await this.options.http.e2eeGroup(conversationId);
        const inGroup = new Set(group.devices.map((d) => d.deviceId));
        const wanted = new Set(change.addUserIds);
        const claimed = await this.options.http.claimKeyPackages({ userIds: [...wanted] });
        for (const kp of claimed.keyPackages) {
          if (inGroup.has(kp.deviceId) || kp.deviceId === this.options.deviceId) continue;
          const message = decodeMlsMessage(fromBase64(kp.keyPackage), 0)?.[0];
          if (message?.wireformat !== 'mls_key_package') continue;
          proposals.push({ proposalType: 'add', add: { keyPackage: message.keyPackage } });
          addDeviceIds.push(kp.deviceId);
        }
      }
      const removeDeviceIds: string[] = [];
      for (const deviceId of change.removeDeviceIds ?? []) {
        const leaf = this.leafOf(entry.state, deviceId);
        if (leaf !== undefined) {
          proposals.push({ proposalType: 'remove', remove: { removed: leaf } });
          removeDeviceIds.push(deviceId);
        }
      }
      const epoch = Number(entry.state.groupContext.epoch);
      const result = await createCommit(
        { state: entry.state, cipherSuite: this.cs },
        { extraProposals: proposals, ratchetTreeExtension: true },
      );
      try {
        const response = await this.options.http.commit(conversationId, {
          clientId: `mls-${this.options.deviceId.slice(-12)}-${epoch}-${Math.random().toString(36).slice(2, 10)}`,
          epoch,
          commit: toBase64(encodeMlsMessage(result.commit)),
          ...(result.welcome && addDeviceIds.length > 0
            ? {
                welcome: toBase64(
                  encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome }),
                ),
                addDeviceIds,
              }
            : {}),
          ...(removeDeviceIds.length > 0 ? { removeDeviceIds } : {}),
        });
        await this.save(conversationId, result.newState, entry.seq);
        return response.epoch;
      } catch (error) {
        if (error instanceof ParleyError && error.code === 'e2ee_stale_epoch' && attempt < COMMIT_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private leafOf(state: ClientState, deviceId: string): number | undefined {
    for (let i = 0; i < state.ratchetTree.length; i += 2) {
      const node = state.ratchetTree[i];
      if (node?.nodeType !== 'leaf') continue;
      const credential = node.leaf.credential;
      if (credential.credentialType !== 'basic') continue;
      if (decoder.decode(credential.identity).endsWith(`:${deviceId}`)) return i / 2;
    }
    return undefined;
  }

  /** Joins every group this device has a Welcome for; returns their conversation ids. */
  async acceptWelcomes(): Promise<string[]> {
    const { welcomes } = await this.options.http.welcomes();
    const joined: string[] = [];
    for (const w of welcomes) {
      const message = decodeMlsMessage(fromBase64(w.welcome), 0)?.[0];
      if (message?.wireformat !== 'mls_welcome') continue;
      for (const secret of message.welcome.secrets) {
        const raw = await this.options.keystore.get(`kp/${toHex(secret.newMember)}`);
        if (!raw) continue;
        const stored = JSON.parse(decoder.decode(raw)) as StoredKeyPackage;
        const { publicPackage, privatePackage } = await this.privateKeyPackage(stored.public);
        const state = await joinGroup(
          message.welcome,
          publicPackage,
          privatePackage,
          emptyPskIndex,
          this.cs,
          undefined,
          undefined,
          this.config,
        );
        await this.save(w.conversationId, state, w.commitSeq);
        // A one-time key package is spent; the last-resort one stays usable.
        if (!stored.lastResort) await this.options.keystore.delete(`kp/${toHex(secret.newMember)}`);
        joined.push(w.conversationId);
        break;
      }
      await this.options.http.ackWelcome(w.id);
    }
    // Joining spent a key package: top up when the server says this device runs low.
    if (joined.length > 0 && (await this.options.http.keyPackageCount()).low) await this.publishKeyPackages();
    return joined;
  }

  /** Encrypts a payload for the group at this device's epoch. */
  async encrypt(conversationId: string, payload: E2eePayload): Promise<MlsContent & { kind: 'application' }> {
    const entry = await this.load(conversationId);
    if (!entry) throw new ParleyError('e2ee_no_device', "This device is not in the conversation's group.");
    const { newState, privateMessage } = await createApplicationMessage(
      entry.state,
      encoder.encode(JSON.stringify(payload)),
      this.cs,
    );
    await this.save(conversationId, newState, entry.seq);
    const data = toBase64(encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage }));
    return { type: 'mls', kind: 'application', epoch: Number(entry.state.groupContext.epoch), data };
  }

  /**
   * Sends a text, encrypted. When the group still holds devices of people who left
   * (`e2ee_commit_required`), removes them first and sends again.
   */
  async send(conversationId: string, text: string, clientId?: string): Promise<Message> {
    const id = clientId ?? `e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    for (let attempt = 1; ; attempt++) {
      await this.advance(conversationId);
      const payload: E2eePayload = { type: 'text', text };
      const content = await this.encrypt(conversationId, payload);
      try {
        const { message } = await this.options.http.sendMessage(conversationId, { clientId: id, content });
        // A device cannot decrypt its own MLS messages: it keeps what it sent.
        await this.options.keystore.set(`sent/${message.id}`, encoder.encode(JSON.stringify(payload)));
        return message;
      } catch (error) {
        if (error instanceof ParleyError && error.code === 'e2ee_commit_required' && attempt < COMMIT_ATTEMPTS) {
          await this.syncMembership(conversationId);
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Processes one entry of an encrypted conversation, in seq order: a commit advances the
   * group (one this device made is already applied), an application message is decrypted.
   */
  async process(message: Message): Promise<DecryptedMessage> {
    const content = message.content;
    const entry = await this.load(message.conversationId);
    if (content.type !== 'mls') {
      if (entry && message.seq > entry.seq) await this.save(message.conversationId, entry.state, message.seq);
      return { message };
    }
    if (!entry) return { message, unreadable: unreadableReason(undefined, content, undefined) };
    if (message.seq <= entry.seq) return { message, unreadable: 'Already processed on this device.' };
    if (content.kind === 'application' && content.deviceId === this.options.deviceId) {
      await this.save(message.conversationId, entry.state, message.seq);
      const sent = await this.options.keystore.get(`sent/${message.id}`);
      return sent
        ? { message, payload: JSON.parse(decoder.decode(sent)) as E2eePayload }
        : { message, unreadable: 'Sent from this device, which did not keep a copy of it.' };
    }
    const decoded = decodeMlsMessage(fromBase64(content.data), 0)?.[0];
    if (
      content.kind === 'commit' &&
      (BigInt(content.epoch) < entry.state.groupContext.epoch ||
        entry.state.groupActiveState.kind === 'removedFromGroup')
    ) {
      // Already applied (this device's own commit), or no longer in the group.
      await this.save(message.conversationId, entry.state, message.seq);
      return { message };
    }
    try {
      if (decoded?.wireformat !== 'mls_private_message' && decoded?.wireformat !== 'mls_public_message') {
        throw new Error('not an MLS message');
      }
      const result = await processMessage(decoded, entry.state, emptyPskIndex, acceptAll, this.cs);
      await this.save(message.conversationId, result.newState, message.seq);
      if (result.kind === 'applicationMessage') {
        return { message, payload: JSON.parse(decoder.decode(result.message)) as E2eePayload };
      }
      return { message };
    } catch (error) {
      await this.save(message.conversationId, entry.state, message.seq);
      return { message, unreadable: unreadableReason(error, content, entry.state) };
    }
  }

  /**
   * Fetches and processes everything after what this device has processed; returns it in
   * order, with what was processed on the way since the last call (before a send or commit).
   */
  async catchUp(conversationId: string): Promise<DecryptedMessage[]> {
    await this.advance(conversationId);
    const out = this.pending.get(conversationId) ?? [];
    this.pending.delete(conversationId);
    return out;
  }

  private async advance(conversationId: string): Promise<void> {
    const out = this.pending.get(conversationId) ?? [];
    this.pending.set(conversationId, out);
    for (;;) {
      const entry = await this.load(conversationId);
      if (!entry) return;
      const page = await this.options.http.history(conversationId, { after: entry.seq, limit: 100 });
      for (const message of page.messages) out.push(await this.process(message));
      if (!page.hasMore || page.messages.length === 0) return;
    }
  }
}
