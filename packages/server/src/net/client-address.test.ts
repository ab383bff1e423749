import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { compileProxyTrust, normalizeAddress, parseTrustedProxies } from './client-address';

const request = (peer: string, forwarded?: string) =>
  ({
    socket: { remoteAddress: peer },
    connection: { remoteAddress: peer },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  }) as unknown as IncomingMessage;

describe('client address', () => {
  it('parses the list', () => {
    expect(parseTrustedProxies(null)).toEqual([]);
    expect(parseTrustedProxies(' 10.0.0.0/8, loopback ,fd00::/8 ')).toEqual(['10.0.0.0/8', 'loopback', 'fd00::/8']);
  });

  it('refuses an entry that is no address or range', () => {
    expect(() => compileProxyTrust(['10.0.0.0/8', 'proxy.example'])).toThrow(/proxy\.example/);
    expect(() => compileProxyTrust(['10.0.0.0/33'])).toThrow();
  });

  it('ignores X-Forwarded-For when nobody is trusted', () => {
    const trust = compileProxyTrust([]);
    expect(trust.clientAddress(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
  });

  it('believes X-Forwarded-For from a trusted peer only', () => {
    const trust = compileProxyTrust(['10.0.0.0/8']);
    expect(trust.clientAddress(request('10.1.2.3', '198.51.100.1'))).toBe('198.51.100.1');
    expect(trust.clientAddress(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
  });

  it('walks back through trusted hops and stops at the first untrusted one', () => {
    const trust = compileProxyTrust(['10.0.0.0/8']);
    // The client spoofed the first entry; 198.51.100.7 is who reached our outer proxy.
    expect(trust.clientAddress(request('10.0.0.2', '1.2.3.4, 198.51.100.7, 10.0.0.1'))).toBe('198.51.100.7');
  });

  it('treats IPv4 clients of dual-stack sockets as IPv4', () => {
    const trust = compileProxyTrust(['loopback']);
    expect(trust.clientAddress(request('::ffff:127.0.0.1', '198.51.100.1'))).toBe('198.51.100.1');
    expect(normalizeAddress('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('2001:DB8::1')).toBe('2001:db8::1');
  });
});
