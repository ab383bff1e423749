/**
 * The login kept across reloads: token and user in localStorage (the SDK persists
 * nothing itself), a ParleyClient for this origin, and a readable device name for
 * the sessions list. Tokens never leave this origin's storage.
 */
import type { User } from '@parley/protocol';
import { ParleyClient } from '@parley/sdk';

const KEY = 'parley.session';

export interface SavedSession {
  token: string;
  user: User;
}

export function loadSession(): SavedSession | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === null) return undefined;
    const value = JSON.parse(raw) as Partial<SavedSession>;
    if (typeof value.token !== 'string' || typeof value.user?.id !== 'string') return undefined;
    return { token: value.token, user: value.user };
  } catch {
    return undefined;
  }
}

export function saveSession(session: SavedSession | undefined): void {
  if (session === undefined) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, JSON.stringify(session));
}

/** A client for the server that served this page. */
export function createClient(token?: string): ParleyClient {
  return new ParleyClient({
    baseUrl: window.location.origin,
    ...(token === undefined ? {} : { token }),
    // A person is waiting: retry sooner than the SDK's 30 s default cap after a long outage.
    backoff: { initialDelayMs: 300, maxDelayMs: 3_000 },
    // Notice a dead connection within about 15 s (the SDK's defaults take up to 30 s, and the
    // browser's `offline` event, handled by ChatApp, covers the common case at once).
    pingIntervalMs: 10_000,
    pingTimeoutMs: 5_000,
  });
}

/** "Chrome on Linux"-style name for the sessions list. */
export function deviceName(userAgent: string = navigator.userAgent): string {
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Browser';
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : 'unknown system';
  return `${browser} on ${os}`;
}
