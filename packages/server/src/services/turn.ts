/**
 * ICE servers for calls: STUN URLs as configured, and TURN URLs with credentials
 * minted per user in coturn's TURN REST scheme (`use-auth-secret`): the username is
 * `<expiry unix seconds>:<userId>` and the credential base64(HMAC-SHA1(secret,
 * username)). coturn checks both with the same `static-auth-secret` and refuses the
 * credentials after the expiry; Parley stores nothing. Without TURN the answer says
 * so (`relay: false`): calls then connect only where the peers reach each other.
 */
import { createHmac } from 'node:crypto';
import type { IceServersResult } from '@parley/protocol';

export interface TurnOptions {
  /** TURN URLs (empty: no relay). */
  turnUrls: readonly string[];
  /** coturn's static-auth-secret; required with turnUrls. */
  secret: string | null;
  ttlSeconds: number;
  stunUrls: readonly string[];
  /** Relay every call through TURN (needs turnUrls). */
  relayOnly: boolean;
}

/** Splits a comma-separated config value into URLs. */
export function urlList(value: string | null): string[] {
  return value === null
    ? []
    : value
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== '');
}

/** The TURN REST credential of a username under a secret. */
export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

export function iceServersFor(options: TurnOptions, userId: string, now: number): IceServersResult {
  const iceServers: IceServersResult['iceServers'] = [];
  if (options.stunUrls.length > 0) iceServers.push({ urls: [...options.stunUrls] });
  if (options.turnUrls.length === 0 || options.secret === null) {
    return { iceServers, relay: false, expiresAt: null, iceTransportPolicy: 'all' };
  }
  const expiry = Math.floor(now / 1000) + options.ttlSeconds;
  const username = `${expiry}:${userId}`;
  iceServers.push({ urls: [...options.turnUrls], username, credential: turnCredential(options.secret, username) });
  return {
    iceServers,
    relay: true,
    expiresAt: expiry * 1000,
    iceTransportPolicy: options.relayOnly ? 'relay' : 'all',
  };
}
