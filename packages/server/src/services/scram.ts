/**
 * SCRAM key material (RFC 5802, RFC 7677): derive StoredKey and ServerKey from a
 * password, and check a client proof against them. Pure crypto over Node's
 * `crypto`; the SASL message syntax (nonces, GS2 header) is the XMPP gateway's
 * business, the keys are ours, so the gateway never sees a password-equivalent.
 */
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { ScramCredential } from '../ports/store';

export type ScramMechanism = ScramCredential['mechanism'];
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-1'];

/** RFC 7677 recommends at least 4096; every XMPP client handles it. */
export const SCRAM_ITERATIONS = 4096;

const pbkdf2Async = promisify(pbkdf2);
const digest = { 'SCRAM-SHA-1': 'sha1', 'SCRAM-SHA-256': 'sha256' } as const;
const keyLength = { 'SCRAM-SHA-1': 20, 'SCRAM-SHA-256': 32 } as const;

function hmac(mechanism: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(digest[mechanism], key).update(data).digest();
}

function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(digest[mechanism]).update(data).digest();
}

/**
 * COMPAT: RFC 5802 asks for SASLprep of the password. Parley passwords are used
 * as typed everywhere else (PLAIN, HTTP), so we use them as typed here too; for
 * the ASCII passwords that clients' SASLprep leaves alone the result is the same.
 */
export async function deriveScram(
  password: string,
  mechanism: ScramMechanism,
  salt: Buffer = randomBytes(16),
  iterations = SCRAM_ITERATIONS,
): Promise<ScramCredential> {
  const salted = await pbkdf2Async(password, salt, iterations, keyLength[mechanism], digest[mechanism]);
  return {
    mechanism,
    iterations,
    salt: salt.toString('base64'),
    storedKey: hash(mechanism, hmac(mechanism, salted, 'Client Key')).toString('base64'),
    serverKey: hmac(mechanism, salted, 'Server Key').toString('base64'),
  };
}

export function deriveAllScram(password: string): Promise<ScramCredential[]> {
  return Promise.all(SCRAM_MECHANISMS.map((m) => deriveScram(password, m)));
}

/** Checks ClientProof; returns the ServerSignature (base64) on success, null otherwise. */
export function verifyScramProof(credential: ScramCredential, authMessage: string, clientProof: Buffer): string | null {
  const mechanism = credential.mechanism;
  const storedKey = Buffer.from(credential.storedKey, 'base64');
  const clientSignature = hmac(mechanism, storedKey, authMessage);
  if (clientProof.length !== clientSignature.length) return null;
  const clientKey = Buffer.alloc(clientProof.length);
  for (let i = 0; i < clientProof.length; i++) clientKey[i] = (clientProof[i] ?? 0) ^ (clientSignature[i] ?? 0);
  if (!timingSafeEqual(hash(mechanism, clientKey), storedKey)) return null;
  return hmac(mechanism, Buffer.from(credential.serverKey, 'base64'), authMessage).toString('base64');
}
