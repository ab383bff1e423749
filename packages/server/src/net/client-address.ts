/**
 * Who the client is when proxies stand in between: PARLEY_TRUSTED_PROXIES compiled
 * once into a trust test (proxy-addr's, the one fastify uses for `trustProxy`),
 * and the client address of an HTTP request or WebSocket upgrade: the socket's
 * peer, or, when that peer is trusted, the `X-Forwarded-For` entry of the first
 * hop that is not. It must never believe a forwarded header from an untrusted
 * peer: anyone can write one.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from '@fastify/proxy-addr';

export interface ProxyTrust {
  /** True for the address of a trusted proxy (`hop` is proxy-addr's hop counter, unused). */
  readonly trusts: (address: string, hop: number) => boolean;
  /** No proxy is trusted: every client is its socket address. */
  readonly none: boolean;
  /** The client address of an HTTP request or WebSocket upgrade, normalized. */
  clientAddress(request: IncomingMessage): string;
}

/** The entries of PARLEY_TRUSTED_PROXIES: separated by commas (spaces tolerated). */
export function parseTrustedProxies(value: string | null): string[] {
  return (value ?? '')
    .split(/[,\s]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Compiles the list; throws a TypeError naming the first entry that is not an address or range. */
export function compileProxyTrust(entries: readonly string[]): ProxyTrust {
  if (entries.length === 0) {
    return {
      trusts: () => false,
      none: true,
      clientAddress: (request) => normalizeAddress(request.socket.remoteAddress ?? ''),
    };
  }
  const trusts = proxyaddr.compile([...entries]);
  return {
    trusts,
    none: false,
    clientAddress: (request) => normalizeAddress(proxyaddr(request, trusts)),
  };
}

/** `::ffff:192.0.2.1` (an IPv4 client of a dual-stack socket) is `192.0.2.1`; IPv6 is lower-cased. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  return address.toLowerCase();
}
