/**
 * The client side of SASL SCRAM-SHA-1 (RFC 5802) for the XMPP load generator:
 * pure functions over strings, so that they are tested without a server. No
 * channel binding (`n,,`): the three servers under test accept that. PBKDF2 is
 * the slow part (4096 iterations by default); `saltedPassword` results are cached
 * by the caller per (password, salt, iterations).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** SASLname escaping (RFC 5802 5.1): `=` and `,` in a username. */
export function escapeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

export function clientNonce(): string {
  return randomBytes(18).toString('base64').replace(/[=,]/g, '');
}

export function clientFirstBare(username: string, nonce: string): string {
  return `n=${escapeSaslName(username)},r=${nonce}`;
}

/** Parses `k=v,k=v` attributes of a SCRAM message (a value may contain `=`, never `,`). */
export function parseScramAttributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part.slice(0, 1), part.slice(2));
  }
  return out;
}

export interface ServerFirst {
  nonce: string;
  salt: Buffer;
  iterations: number;
}

/** Checks the server-first-message against our nonce; throws on anything unusable. */
export function parseServerFirst(message: string, ourNonce: string): ServerFirst {
  const attrs = parseScramAttributes(message);
  const nonce = attrs.get('r');
  const salt = attrs.get('s');
  const iterations = Number(attrs.get('i'));
  if (attrs.has('m')) throw new Error('SCRAM: mandatory extension not supported');
  if (!nonce || !nonce.startsWith(ourNonce) || nonce.length === ourNonce.length) {
    throw new Error('SCRAM: server nonce does not extend ours');
  }
  if (!salt) throw new Error('SCRAM: no salt');
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 1_000_000) {
    throw new Error(`SCRAM: bad iteration count ${attrs.get('i')}`);
  }
  return { nonce, salt: Buffer.from(salt, 'base64'), iterations };
}

const hmac = (key: Buffer, data: string) => createHmac('sha1', key).update(data).digest();

export function saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(password, salt, iterations, 20, 'sha1');
}

export interface ClientFinal {
  /** client-final-message, to send base64-encoded. */
  message: string;
  /** The ServerSignature the server must prove (`v=` in server-final-message). */
  expectedServerSignature: string;
}

export function clientFinal(clientFirstBareMessage: string, serverFirstMessage: string, salted: Buffer): ClientFinal {
  const { nonce } = parseServerFirst(serverFirstMessage, parseScramAttributes(clientFirstBareMessage).get('r') ?? '');
  const withoutProof = `c=biws,r=${nonce}`; // biws = base64("n,,")
  const authMessage = `${clientFirstBareMessage},${serverFirstMessage},${withoutProof}`;
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha1').update(clientKey).digest();
  const clientSignature = hmac(storedKey, authMessage);
  const proof = Buffer.alloc(clientKey.length);
  for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!;
  const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
  return {
    message: `${withoutProof},p=${proof.toString('base64')}`,
    expectedServerSignature: serverSignature.toString('base64'),
  };
}

/** True when the server-final-message proves that the server knows the password. */
export function verifyServerFinal(serverFinalMessage: string, expectedServerSignature: string): boolean {
  const v = parseScramAttributes(serverFinalMessage).get('v');
  if (v === undefined) return false;
  const got = Buffer.from(v, 'base64');
  const want = Buffer.from(expectedServerSignature, 'base64');
  return got.length === want.length && timingSafeEqual(got, want);
}
