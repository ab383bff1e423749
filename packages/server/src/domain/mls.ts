/**
 * What the delivery service reads of MLS (RFC 9420) and nothing more: the framing of a
 * message (wire format, group id, epoch, content type: all plaintext in a PrivateMessage's
 * header), and a key package's credential, signature key and signature. It never holds a
 * group secret and cannot decrypt. Pure computation over bytes (ts-mls decoders and Ed25519
 * verification): no I/O.
 */
import { decodeMlsMessage, type MLSMessage } from 'ts-mls';
import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl } from 'ts-mls';
import { verifyKeyPackage } from 'ts-mls/keyPackage.js';
import { verifyLeafNodeSignatureKeyPackage } from 'ts-mls/leafNode.js';
import { AppError } from './errors';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** The one cipher suite Parley's groups use (protocol E2EE_CIPHER_SUITE). */
const SUITE_NAME = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;
let suite: Promise<CiphersuiteImpl> | undefined;
function suiteImpl(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(SUITE_NAME));
  return suite;
}

/** The MLS group id of an encrypted conversation: its id in UTF-8. */
export function groupIdOf(conversationId: string): Uint8Array {
  return textEncoder.encode(conversationId);
}

/** A device's MLS credential identity: `<userId>:<deviceId>` in UTF-8 (a basic credential). */
export function deviceIdentity(userId: string, deviceId: string): string {
  return `${userId}:${deviceId}`;
}

/** Strict standard base64 to bytes; `e2ee_malformed` otherwise. */
export function fromBase64(value: string, field: string): Uint8Array {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value || bytes.byteLength === 0) {
    throw new AppError('e2ee_malformed', `The ${field} is not base64.`, { details: { reason: 'base64', field } });
  }
  return new Uint8Array(bytes);
}

function decode(bytes: Uint8Array, field: string): MLSMessage {
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch {
    decoded = undefined;
  }
  if (!decoded || decoded[1] !== bytes.byteLength) {
    throw new AppError('e2ee_malformed', `The ${field} is not an MLSMessage.`, {
      details: { reason: 'decode', field },
    });
  }
  return decoded[0];
}

export interface Framing {
  wireformat: 'mls_public_message' | 'mls_private_message';
  groupId: string;
  epoch: number;
  contentType: 'application' | 'proposal' | 'commit';
}

/** The plaintext framing of a handshake or application message. */
export function readFraming(bytes: Uint8Array, field: string): Framing {
  const message = decode(bytes, field);
  let groupId: Uint8Array;
  let epoch: bigint;
  let contentType: Framing['contentType'];
  if (message.wireformat === 'mls_private_message') {
    ({ groupId, epoch, contentType } = message.privateMessage);
  } else if (message.wireformat === 'mls_public_message') {
    ({ groupId, epoch, contentType } = message.publicMessage.content);
  } else {
    throw new AppError('e2ee_malformed', `The ${field} is a ${message.wireformat}.`, {
      details: { reason: 'wireformat', field },
    });
  }
  let group: string;
  try {
    group = textDecoder.decode(groupId);
  } catch {
    group = '';
  }
  return { wireformat: message.wireformat, groupId: group, epoch: Number(epoch), contentType };
}

/** The message is of this conversation's group at this epoch, and of this content type. */
export function checkFraming(
  framing: Framing,
  expected: { conversationId: string; epoch: number; contentType: Framing['contentType'] },
  field: string,
): void {
  const refuse = (reason: string, message: string) => {
    throw new AppError('e2ee_malformed', message, { details: { reason, field } });
  };
  if (framing.groupId !== expected.conversationId) refuse('group', `The ${field} belongs to another group.`);
  if (framing.epoch !== expected.epoch)
    refuse('epoch', `The ${field} is for epoch ${framing.epoch}, not ${expected.epoch}.`);
  if (framing.contentType !== expected.contentType) {
    refuse('content_type', `The ${field} is a ${framing.contentType}, not a ${expected.contentType}.`);
  }
  if (expected.contentType === 'application' && framing.wireformat !== 'mls_private_message') {
    refuse('wireformat', 'Application messages must be PrivateMessages (encrypted).');
  }
}

/** A Welcome for this suite. */
export function checkWelcome(bytes: Uint8Array): void {
  const message = decode(bytes, 'welcome');
  if (message.wireformat !== 'mls_welcome') {
    throw new AppError('e2ee_malformed', `The welcome is a ${message.wireformat}.`, {
      details: { reason: 'wireformat', field: 'welcome' },
    });
  }
  if (message.welcome.cipherSuite !== SUITE_NAME) {
    throw new AppError('e2ee_malformed', 'The welcome uses another cipher suite.', {
      details: { reason: 'cipher_suite', field: 'welcome' },
    });
  }
}

/**
 * Why a key package may not be published for this device, or null when it may: it decodes, it is
 * of Parley's suite, its leaf's credential is the device's identity and its signature key the
 * device's registered key, and both the leaf's and the package's signatures verify.
 */
export async function keyPackageRefusal(
  bytes: Uint8Array,
  device: { userId: string; deviceId: string; signatureKey: string },
): Promise<string | null> {
  let message: MLSMessage;
  try {
    message = decode(bytes, 'key package');
  } catch {
    return 'decode';
  }
  if (message.wireformat !== 'mls_key_package') return 'wireformat';
  const kp = message.keyPackage;
  if (kp.cipherSuite !== SUITE_NAME) return 'cipher_suite';
  const credential = kp.leafNode.credential;
  if (credential.credentialType !== 'basic') return 'credential_type';
  let identity: string;
  try {
    identity = textDecoder.decode(credential.identity);
  } catch {
    return 'identity';
  }
  if (identity !== deviceIdentity(device.userId, device.deviceId)) return 'identity';
  if (Buffer.from(kp.leafNode.signaturePublicKey).toString('base64') !== device.signatureKey) return 'signature_key';
  const cs = await suiteImpl();
  if (!(await verifyLeafNodeSignatureKeyPackage(kp.leafNode, cs.signature))) return 'signature';
  if (!(await verifyKeyPackage(kp, cs.signature))) return 'signature';
  return null;
}
