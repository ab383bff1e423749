/**
 * Protocol versioning. A client announces the version it speaks in its `auth`
 * frame; the server accepts any version in [MIN_PROTOCOL_VERSION, PROTOCOL_VERSION]
 * and answers others with `unsupported_protocol` and close code 4000 (P2).
 */

/** The protocol version this package describes. Bump on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/** The oldest protocol version a server built from this package still accepts. */
export const MIN_PROTOCOL_VERSION = 1;

/**
 * Why each version was incompatible with the one before, so that a server can
 * explain a refusal and a reader can see what changed.
 */
export const INCOMPATIBILITIES: Readonly<Record<number, string>> = {
  1: 'first version',
};

/**
 * WebSocket close codes used by the server. Codes 4000-4099 mean "do not
 * reconnect without changing something"; 4100-4199 mean "reconnect (with backoff)".
 */
export const CloseCode = {
  /** Normal closure requested by the client. */
  normal: 1000,
  /** Server going away: reconnect with backoff. */
  goingAway: 1001,
  /**
   * Service restart (RFC 6455's registry): the server shut down gracefully and is
   * expected back soon. Reconnect after a short random delay (the SDK spreads it over
   * `restartSpreadMs`), so that every client of the server does not return at once.
   */
  serviceRestart: 1012,
  /** A frame larger than the limit arrived: reconnect, send smaller frames. */
  frameTooLarge: 1009,
  /** Unexpected server failure: reconnect with backoff. */
  internal: 1011,
  /** Client speaks an unsupported protocol version: upgrade the client. */
  unsupportedProtocol: 4000,
  /** Token missing, invalid or expired: log in again. */
  unauthenticated: 4001,
  /** The session was revoked (logout, password change): log in again. */
  sessionRevoked: 4003,
  /** No auth frame within the deadline: reconnect and authenticate at once. */
  authTimeout: 4100,
  /** The client read too slowly and its send buffer overflowed: reconnect and resync. */
  tooSlow: 4108,
  /** Too many protocol violations on this connection: reconnect with backoff. */
  policyViolation: 4109,
  /**
   * Too many failed authentication attempts from the client's address: reconnect
   * after the `retryAfterMs` of the `rate_limited` error that came before.
   */
  rateLimited: 4129,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** True when a close code means the client should reconnect automatically. */
export function shouldReconnect(code: number): boolean {
  if (code >= 4000 && code < 4100) return false;
  return true;
}
