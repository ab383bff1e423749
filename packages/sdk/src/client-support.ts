/**
 * Small helpers of ParleyClient kept out of client.ts: the lazily resolved global
 * WebSocket, the error a stopped connection gives a waiting `connect()`, and an
 * option picker. No state.
 */
import type { StopReason } from './connection';
import { ParleyError, localError } from './errors';
import { globalWebSocket, type WebSocketConstructor } from './websocket';

/** Resolves the global WebSocket when a socket is opened (connect() checks that there is one). */
export const lazyGlobalWebSocket = function (url: string) {
  const Ctor = globalWebSocket();
  if (Ctor === undefined) throw new TypeError('no WebSocket implementation');
  return new Ctor(url);
} as unknown as WebSocketConstructor;

/** The error a pending `connect()` rejects with when the connection stops without one. */
export function stopError(reason: StopReason): ParleyError {
  switch (reason) {
    case 'closed':
      return localError('closed', 'the client was closed');
    case 'gave_up':
      return localError('network', 'could not reach the server: gave up reconnecting');
    case 'unsupported_protocol':
      return new ParleyError('unsupported_protocol', 'the server does not support this SDK version');
    case 'unauthenticated':
      return new ParleyError('token_invalid', 'the token was refused: log in again');
    case 'session_revoked':
      return new ParleyError('token_invalid', 'the session was revoked: log in again');
    case 'refused':
      return new ParleyError('forbidden', 'the server refused the connection');
  }
}

/** The options among `keys` that are set. */
export function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
