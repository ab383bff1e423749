/**
 * End-to-end encrypted conversations (MLS, RFC 9420): the message content that carries MLS
 * ciphertext, and the bodies of the delivery-service API (devices, key packages, commits,
 * Welcome messages). The server never sees plaintext: it orders commits per group, stores
 * and relays ciphertext, and hands out key packages. docs/protocol.md ("End-to-end
 * encryption") and docs/security.md describe the whole flow.
 */
import { Type, type Static } from 'typebox';
import { ClientMessageId, ConversationId, SessionId, UserId } from './ids';

/** The one MLS cipher suite Parley uses (RFC 9420 suite 1: X25519, AES-128-GCM, SHA-256, Ed25519). */
export const E2EE_CIPHER_SUITE = 1;
/** Largest MLS application message, in bytes, beyond `PARLEY_MAX_MESSAGE_BYTES` (MLS framing, padding, tag). */
export const E2EE_FRAMING_BYTES = 1024;
/** Largest commit, Welcome or key package, in bytes (a Welcome carries the ratchet tree: about 300 bytes a device). */
export const E2EE_MAX_HANDSHAKE_BYTES = 512 * 1024;
/** Most key packages one upload carries, and most a device keeps (the last-resort package apart). */
export const E2EE_MAX_KEY_PACKAGES = 100;
/** Below this many (one-time) key packages the server reports the device as low (`low: true`). */
export const E2EE_LOW_KEY_PACKAGES = 10;
/** Most devices one commit adds or removes. */
export const E2EE_MAX_DEVICES_PER_COMMIT = 1000;

const Base64 = (maxBytes: number, description: string) =>
  Type.String({
    pattern: '^[A-Za-z0-9+/]*={0,2}$',
    maxLength: Math.ceil(maxBytes / 3) * 4,
    description: `${description} (standard base64, at most ${maxBytes} bytes)`,
  });

/** An MLS epoch (RFC 9420 8): 0 when the group is created, +1 per commit. */
export const Epoch = Type.Integer({ minimum: 0, description: 'MLS epoch of the group' });

/**
 * An MLS message in an encrypted conversation, as stored and relayed. `application`: a
 * PrivateMessage carrying the real content (text, file key, reaction, edit), encrypted by
 * the sender's device; `commit`: a group change, ordered by the server (one per epoch).
 * The server reads only the MLS framing (group id, epoch, content type), never the content.
 */
export const MlsContent = Type.Object({
  type: Type.Literal('mls'),
  kind: Type.Union([Type.Literal('application'), Type.Literal('commit')]),
  /** The epoch the message was made in (a commit moves the group to epoch + 1). */
  epoch: Epoch,
  /** The MLSMessage (RFC 9420 6), base64. */
  data: Type.String({ description: 'The MLSMessage, standard base64' }),
  /** The device that sent it (the sender's session), so members know which leaf to expect. */
  deviceId: Type.Optional(SessionId),
  /** `commit`: devices this commit added (each has a Welcome waiting: `GET /v1/e2ee/welcomes`). */
  addedDeviceIds: Type.Optional(Type.Array(SessionId)),
  /** `commit`: devices this commit removed. */
  removedDeviceIds: Type.Optional(Type.Array(SessionId)),
});
export type MlsContent = Static<typeof MlsContent>;

/** What a device sends with `message.send` in an encrypted conversation: an MLS application message. */
export const MlsSendContent = Type.Object({
  type: Type.Literal('mls'),
  kind: Type.Literal('application'),
  epoch: Epoch,
  data: Type.String({ minLength: 1, description: 'The MLSMessage (a PrivateMessage), standard base64' }),
});
export type MlsSendContent = Static<typeof MlsSendContent>;

/** How a conversation protects its messages; absent: none (the server reads them). */
export const Encryption = Type.Literal('mls');
export type Encryption = Static<typeof Encryption>;

/** One device able to take part in encrypted conversations: a session with a registered MLS signature key. */
export const E2eeDevice = Type.Object({
  deviceId: SessionId,
  userId: UserId,
  signatureKey: Base64(64, 'The Ed25519 public signature key'),
  createdAt: Type.Integer({ minimum: 0 }),
  /** False once the device logged out (its session is gone): its key stays listed, to check its old messages. */
  active: Type.Boolean(),
});
export type E2eeDevice = Static<typeof E2eeDevice>;

/**
 * Registers the calling session as an MLS device with its signature key. Once per session; the
 * same key again is a no-op, another key is `invalid_operation`. The device's MLS credential
 * is a basic credential whose identity is `<userId>:<deviceId>` (UTF-8).
 */
export const RegisterDeviceBody = Type.Object(
  { signatureKey: Base64(64, 'The Ed25519 public signature key') },
  { additionalProperties: false },
);
export type RegisterDeviceBody = Static<typeof RegisterDeviceBody>;
export const DeviceResponse = Type.Object({ device: E2eeDevice });
export const DevicesResponse = Type.Object({ devices: Type.Array(E2eeDevice) });

export const UploadKeyPackagesBody = Type.Object(
  {
    keyPackages: Type.Array(Base64(E2EE_MAX_HANDSHAKE_BYTES, 'An MLSMessage holding a KeyPackage'), {
      maxItems: E2EE_MAX_KEY_PACKAGES,
    }),
    /** Handed out when the others run out, and never deleted (RFC 9420 16.8); replaces the previous one. */
    lastResort: Type.Optional(Base64(E2EE_MAX_HANDSHAKE_BYTES, 'An MLSMessage holding a KeyPackage')),
  },
  { additionalProperties: false },
);
export type UploadKeyPackagesBody = Static<typeof UploadKeyPackagesBody>;

/** How many one-time key packages the calling device has left; `low` below E2EE_LOW_KEY_PACKAGES. */
export const KeyPackageCountResponse = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  lastResort: Type.Boolean(),
  low: Type.Boolean(),
});
export type KeyPackageCountResponse = Static<typeof KeyPackageCountResponse>;

export const ClaimKeyPackagesBody = Type.Object(
  { userIds: Type.Array(UserId, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type ClaimKeyPackagesBody = Static<typeof ClaimKeyPackagesBody>;

/** One key package per registered device of the users asked for (deleted as handed out, the last resort kept). */
export const ClaimedKeyPackage = Type.Object({
  userId: UserId,
  deviceId: SessionId,
  keyPackage: Type.String({ description: 'An MLSMessage holding a KeyPackage, base64' }),
  lastResort: Type.Boolean(),
});
export const ClaimKeyPackagesResponse = Type.Object({
  keyPackages: Type.Array(ClaimedKeyPackage),
  /** Devices with no key package at all: they cannot be added until they upload some. */
  missingDeviceIds: Type.Array(SessionId),
});
export type ClaimKeyPackagesResponse = Static<typeof ClaimKeyPackagesResponse>;

/** The delivery service's view of a conversation's MLS group. */
export const E2eeGroup = Type.Object({
  conversationId: ConversationId,
  cipherSuite: Type.Integer(),
  epoch: Epoch,
  /** Devices in the group as the accepted commits left it. */
  devices: Type.Array(Type.Object({ deviceId: SessionId, userId: UserId })),
  /** Devices of people who are no longer members: a commit must remove them before anyone sends. */
  pendingRemovals: Type.Array(SessionId),
  /** Members with a registered device that is not in the group yet (a commit should add it). */
  pendingAdds: Type.Array(Type.Object({ deviceId: SessionId, userId: UserId })),
});
export type E2eeGroup = Static<typeof E2eeGroup>;
export const E2eeGroupResponse = Type.Object({ group: E2eeGroup });

/**
 * A commit for epoch `epoch` (the group's current one). The server accepts one commit per
 * epoch: a commit for an older epoch is `e2ee_stale_epoch` (process the commits you missed,
 * then make yours again). `welcome` is required when `addDeviceIds` is not empty.
 */
export const CommitBody = Type.Object(
  {
    clientId: ClientMessageId,
    epoch: Epoch,
    commit: Base64(E2EE_MAX_HANDSHAKE_BYTES, 'The MLSMessage holding the Commit'),
    welcome: Type.Optional(Base64(E2EE_MAX_HANDSHAKE_BYTES, 'The MLSMessage holding the Welcome')),
    addDeviceIds: Type.Optional(Type.Array(SessionId, { maxItems: E2EE_MAX_DEVICES_PER_COMMIT })),
    removeDeviceIds: Type.Optional(Type.Array(SessionId, { maxItems: E2EE_MAX_DEVICES_PER_COMMIT })),
  },
  { additionalProperties: false },
);
export type CommitBody = Static<typeof CommitBody>;

/** A Welcome waiting for the calling device. */
export const E2eeWelcome = Type.Object({
  id: Type.String(),
  conversationId: ConversationId,
  /** The epoch the device joins at. */
  epoch: Epoch,
  /** The seq of the commit that added the device: the device reads the conversation after it. */
  commitSeq: Type.Integer({ minimum: 1 }),
  welcome: Type.String({ description: 'The MLSMessage holding the Welcome, base64' }),
  createdAt: Type.Integer({ minimum: 0 }),
});
export type E2eeWelcome = Static<typeof E2eeWelcome>;
export const WelcomesResponse = Type.Object({ welcomes: Type.Array(E2eeWelcome) });
export type WelcomesResponse = Static<typeof WelcomesResponse>;

export const E2eeWelcomeParams = Type.Object({ welcomeId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
