/**
 * Client addresses behind proxies (PARLEY_TRUSTED_PROXIES): HTTP and WebSocket
 * upgrades from a trusted peer are limited by their X-Forwarded-For client, from
 * anyone else by the socket address (a spoofed header changes nothing); XMPP TCP
 * connections from a trusted peer are limited by the address of their PROXY
 * protocol header (v1 and v2, hand-written and from Debian's haproxy), and a
 * malformed header, or one from an untrusted peer, closes the connection.
 */
import { PROTOCOL_VERSION } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './harness';
import { freePort, requireHaproxy, startHaproxy, type Haproxy } from './haproxy';
import { closedAfter, rawPlainLogin } from './xmpp-raw-login';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
});

async function server(overrides: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const t = await startTestServer(overrides);
  running.push(t);
  return t;
}

/** A failed login whose request says it was forwarded for `forwardedFor`: the HTTP status. */
async function failedLogin(t: TestServer, forwardedFor?: string, localAddress?: string): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
  const body = JSON.stringify({ username: 'nobody', password: 'wrong password' });
  if (localAddress === undefined)
    return (await fetch(`${t.url}/v1/auth/login`, { method: 'POST', headers, body })).status;
  const url = new URL(t.url);
  return (await rawHttpPost(url.port, '/v1/auth/login', headers, body, localAddress)).status;
}

/** A POST from a chosen loopback address (fetch cannot pick its source address). */
async function rawHttpPost(
  port: string | number,
  route: string,
  headers: Record<string, string>,
  body: string,
  localAddress: string,
): Promise<{ status: number }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: route, method: 'POST', headers, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A WebSocket `auth` frame with a forged token: the error code that answers it. */
async function forgedAuth(t: TestServer, forwardedFor: string): Promise<string> {
  const ws = new WebSocket(t.wsUrl, { headers: { 'x-forwarded-for': forwardedFor } });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const answer = new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) =>
        resolve((JSON.parse(data.toString()) as { error: { code: string } }).error.code),
      ),
    );
    ws.send(JSON.stringify({ type: 'auth', id: 'a1', data: { token: 'forged', protocol: PROTOCOL_VERSION } }));
    return await answer;
  } finally {
    ws.close();
  }
}

describe('HTTP and WebSocket behind a trusted proxy', () => {
  it('limits by the forwarded client, walking back through trusted hops only', async () => {
    const t = await server({ authAttemptsPerMinute: 2, trustedProxies: 'loopback' });
    expect(await failedLogin(t, '198.51.100.1')).toBe(401);
    expect(await failedLogin(t, '198.51.100.1')).toBe(401);
    expect(await failedLogin(t, '198.51.100.1')).toBe(429);
    // A client that writes its own X-Forwarded-For only adds an entry before the one our proxy appended.
    expect(await failedLogin(t, '203.0.113.50, 198.51.100.1')).toBe(429);
    // Another client behind the same proxy has its own budget.
    expect(await failedLogin(t, '198.51.100.2')).toBe(401);
    // IPv6 clients count per /64.
    expect(await failedLogin(t, '2001:db8:7:7::1')).toBe(401);
    expect(await failedLogin(t, '2001:db8:7:7::2')).toBe(401);
    expect(await failedLogin(t, '2001:db8:7:7::3')).toBe(429);
  });

  it('takes the WebSocket client from X-Forwarded-For of a trusted peer', async () => {
    const t = await server({ authAttemptsPerMinute: 2, trustedProxies: '127.0.0.1' });
    expect(await forgedAuth(t, '198.51.100.1')).toBe('token_invalid');
    expect(await forgedAuth(t, '198.51.100.1')).toBe('token_invalid');
    expect(await forgedAuth(t, '198.51.100.1')).toBe('rate_limited');
    expect(await forgedAuth(t, '198.51.100.2')).toBe('token_invalid');
  });

  it('ignores X-Forwarded-For from a peer that is not trusted', async () => {
    // 127.0.0.1 is trusted, the test connects from 127.0.0.7: a client, not a proxy.
    const t = await server({ authAttemptsPerMinute: 2, trustedProxies: '127.0.0.1' });
    expect(await failedLogin(t, '198.51.100.1', '127.0.0.7')).toBe(401);
    expect(await failedLogin(t, '198.51.100.2', '127.0.0.7')).toBe(401);
    expect(await failedLogin(t, '198.51.100.3', '127.0.0.7')).toBe(429);
    // The same header through the trusted peer is believed.
    expect(await failedLogin(t, '198.51.100.3')).toBe(401);
  });

  it('trusts nobody by default', async () => {
    const t = await server({ authAttemptsPerMinute: 2 });
    expect(await failedLogin(t, '198.51.100.1')).toBe(401);
    expect(await forgedAuth(t, '198.51.100.2')).toBe('token_invalid');
    expect(await failedLogin(t, '198.51.100.3')).toBe(429);
  });
});

/** The SASL mechanisms offered on an XMPP WebSocket opened from `localAddress` with `headers`. */
async function xmppWsMechanisms(t: TestServer, localAddress: string, headers: Record<string, string>): Promise<string> {
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/xmpp-websocket`, ['xmpp'], { headers, localAddress });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const features = new Promise<string>((resolve) =>
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text.includes('mechanisms')) resolve(text);
      }),
    );
    ws.send('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="localhost" version="1.0"/>');
    return await features;
  } finally {
    ws.close();
  }
}

describe('XMPP over WebSocket behind a trusted TLS-terminating proxy', () => {
  it('counts the stream as secure (PLAIN offered) only when a trusted peer says X-Forwarded-Proto: https', async () => {
    const t = await server({ trustedProxies: '127.0.0.5' });
    const https = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.1' };
    expect(await xmppWsMechanisms(t, '127.0.0.5', https)).toContain('<mechanism>PLAIN</mechanism>');
    expect(await xmppWsMechanisms(t, '127.0.0.5', {})).not.toContain('PLAIN');
    expect(await xmppWsMechanisms(t, '127.0.0.6', https)).not.toContain('PLAIN');
  });
});

const SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const v1 = (client: string) => Buffer.from(`PROXY TCP4 ${client} 127.0.0.1 40000 5222\r\n`);
function v2(client: string): Buffer {
  const header = Buffer.alloc(16 + 12);
  SIGNATURE.copy(header);
  header[12] = 0x21; // version 2, PROXY
  header[13] = 0x11; // INET, STREAM
  header.writeUInt16BE(12, 14);
  Buffer.from(client.split('.').map(Number)).copy(header, 16);
  Buffer.from([127, 0, 0, 1]).copy(header, 20);
  header.writeUInt16BE(40000, 24);
  header.writeUInt16BE(5222, 26);
  return header;
}

const wrong = { username: 'nobody', password: 'wrong password' };
const refusedForAddress = /<temporary-auth-failure\/>/;

describe('XMPP TCP behind a trusted proxy (PROXY protocol)', () => {
  it('limits by the client a v1 or v2 header names; a trusted peer may also connect directly', async () => {
    const t = await server({ authAttemptsPerMinute: 1, xmppPort: 0, trustedProxies: 'loopback' });
    const port = t.server.xmppPort ?? 0;
    expect((await rawPlainLogin(port, wrong, { preamble: v1('198.51.100.7') })).afterAuth).toContain(
      '<not-authorized/>',
    );
    expect((await rawPlainLogin(port, wrong, { preamble: v1('198.51.100.7') })).afterAuth).toMatch(refusedForAddress);
    expect((await rawPlainLogin(port, wrong, { preamble: v2('198.51.100.7') })).afterAuth).toMatch(refusedForAddress);
    expect((await rawPlainLogin(port, wrong, { preamble: v2('198.51.100.8') })).afterAuth).toContain(
      '<not-authorized/>',
    );
    // No header: the peer is the client.
    expect((await rawPlainLogin(port, wrong)).afterAuth).toContain('<not-authorized/>');
    expect((await rawPlainLogin(port, wrong)).afterAuth).toMatch(refusedForAddress);
  });

  it('closes a connection with a malformed header before any stream', async () => {
    const t = await server({ xmppPort: 0, trustedProxies: 'loopback' });
    const port = t.server.xmppPort ?? 0;
    expect(await closedAfter(port, Buffer.from('PROXY TCP4 198.51.100.7 127.0.0.1 99999 5222\r\n<?xml'))).toBe('');
    expect(await closedAfter(port, Buffer.from(`PROXY TCP4 ${'9'.repeat(120)}`))).toBe('');
    const badVersion = v2('198.51.100.7');
    badVersion[12] = 0x31;
    expect(await closedAfter(port, badVersion)).toBe('');
  });

  it('closes a connection whose header comes from a peer that is not trusted', async () => {
    const t = await server({ authAttemptsPerMinute: 1, xmppPort: 0 });
    const port = t.server.xmppPort ?? 0;
    expect(await closedAfter(port, v1('198.51.100.7'))).toBe('');
    expect(await closedAfter(port, v2('198.51.100.7'))).toBe('');
    // Clients without a header are served as before.
    expect((await rawPlainLogin(port, wrong)).afterAuth).toContain('<not-authorized/>');
  });
});

const haproxyInstalled = requireHaproxy();

describe.runIf(haproxyInstalled)("through Debian's haproxy", () => {
  it('limits by the client haproxy names with send-proxy, send-proxy-v2 and option forwardfor', async () => {
    // haproxy reaches Parley from 127.0.0.1, the only trusted peer; clients connect from 127.0.0.5 and 127.0.0.6.
    const t = await server({ authAttemptsPerMinute: 1, xmppPort: 0, trustedProxies: '127.0.0.1' });
    const [v1Port, v2Port, httpPort] = [await freePort(), await freePort(), await freePort()];
    const config = `
global
  maxconn 200
defaults
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend xmpp_v1
  mode tcp
  bind 127.0.0.1:${v1Port}
  default_backend parley_v1
backend parley_v1
  mode tcp
  server parley 127.0.0.1:${t.server.xmppPort} send-proxy
frontend xmpp_v2
  mode tcp
  bind 127.0.0.1:${v2Port}
  default_backend parley_v2
backend parley_v2
  mode tcp
  server parley 127.0.0.1:${t.server.xmppPort} send-proxy-v2
frontend http
  mode http
  bind 127.0.0.1:${httpPort}
  option forwardfor
  default_backend parley_http
backend parley_http
  mode http
  server parley 127.0.0.1:${t.server.port}
`;
    const haproxy: Haproxy = await startHaproxy(config, [v1Port, v2Port, httpPort]);
    running.push(haproxy);
    const via = (port: number, localAddress: string) => rawPlainLogin(port, wrong, { localAddress });
    expect((await via(v1Port, '127.0.0.5')).afterAuth).toContain('<not-authorized/>');
    expect((await via(v2Port, '127.0.0.5')).afterAuth).toMatch(refusedForAddress);
    expect((await via(v2Port, '127.0.0.6')).afterAuth).toContain('<not-authorized/>');
    expect((await via(v1Port, '127.0.0.6')).afterAuth).toMatch(refusedForAddress);
    const body = JSON.stringify(wrong);
    const headers = { 'content-type': 'application/json' };
    expect((await rawHttpPost(httpPort, '/v1/auth/login', headers, body, '127.0.0.7')).status).toBe(401);
    expect((await rawHttpPost(httpPort, '/v1/auth/login', headers, body, '127.0.0.7')).status).toBe(429);
    // The proxy itself (127.0.0.1) has used none of its own budget.
    expect((await rawPlainLogin(t.server.xmppPort ?? 0, wrong)).afterAuth).toContain('<not-authorized/>');
  });
});
