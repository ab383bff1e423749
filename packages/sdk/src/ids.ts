/**
 * Client-generated ids. A message's client id is made once, when the app calls
 * send, and reused for every retry, which is what makes sends idempotent (P6).
 * Ids match the protocol's id pattern `^[A-Za-z0-9_-]{1,64}$`.
 */

/** Pattern every id on the wire must match. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

interface CryptoLike {
  randomUUID?: () => string;
  getRandomValues?: (array: Uint8Array) => Uint8Array;
}

/** A fresh random client message id: 32 hex characters (a UUID v4 without dashes). */
export function newClientId(): string {
  const crypto = (globalThis as { crypto?: CryptoLike }).crypto;
  // randomUUID needs a secure context in browsers; getRandomValues does not.
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID().replaceAll('-', '');
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** True when `id` is a valid wire id. */
export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}
