/**
 * Helpers for the XMPP tests: a test server with the XMPP listener on a free
 * port, and a wrapper around @xmpp/client (a library we did not write) that
 * collects stanzas and waits on conditions, never on fixed sleeps.
 */
import { connect, type Socket } from 'node:net';
import { client, xml, type Client, type Element } from '@xmpp/client';
import type { AuthResponse } from '@parley/protocol';
import WebSocket from 'ws';
import { registerUser, startTestServer, type TestServer } from './harness';

// The dev certificate is self-signed and @xmpp/client's STARTTLS takes no CA option.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
// @xmpp/websocket uses the global WebSocket, which Node 20 lacks (22 has it).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export const PASSWORD = 'correct horse battery';
export const DOMAIN = 'localhost';

export async function startXmppServer(): Promise<TestServer & { xmppPort: number }> {
  // Many accounts per file from one address: the auth budget has tests of its own (rate-limits.test.ts).
  const t = await startTestServer({ xmppPort: 0, xmppMaxStanzaBytes: 8192, authAttemptsPerMinute: 1000 });
  if (t.server.xmppPort === null) throw new Error('XMPP listener did not start');
  return Object.assign(t, { xmppPort: t.server.xmppPort });
}

export function jidOf(user: AuthResponse): string {
  return `${user.user.username}@${DOMAIN}`;
}

export class XmppTestClient {
  readonly stanzas: Element[] = [];
  private waiters: { match: (s: Element) => boolean; resolve: (s: Element) => void }[] = [];

  private constructor(readonly xmpp: Client) {
    xmpp.on('stanza', (stanza) => {
      const waiter = this.waiters.find((w) => w.match(stanza));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(stanza);
      } else this.stanzas.push(stanza);
    });
    xmpp.on('error', () => {});
  }

  static async connect(
    port: number,
    user: AuthResponse,
    options: { resource?: string; password?: string; service?: string } = {},
  ): Promise<XmppTestClient> {
    const xmpp = client({
      service: options.service ?? `xmpp://127.0.0.1:${port}`,
      domain: DOMAIN,
      username: user.user.username,
      password: options.password ?? PASSWORD,
      resource: options.resource ?? 'test',
      // The library waits 2 s for each stream (re)open, STARTTLS included: too little on a
      // loaded 2-core machine, where the TLS handshake alone can take longer.
      timeout: 15_000,
    });
    const wrapped = new XmppTestClient(xmpp);
    await xmpp.start();
    return wrapped;
  }

  send(element: Element): Promise<void> {
    return this.xmpp.send(element);
  }

  iq(element: Element): Promise<Element> {
    return this.xmpp.iqCaller.request(element, 5000);
  }

  next(match: (s: Element) => boolean, timeoutMs = 5000): Promise<Element> {
    const found = this.stanzas.find(match);
    if (found) {
      this.stanzas.splice(this.stanzas.indexOf(found), 1);
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching stanza in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
      });
    });
  }

  message(match: (s: Element) => boolean = () => true, timeoutMs = 5000): Promise<Element> {
    return this.next((s) => s.name === 'message' && match(s), timeoutMs);
  }

  async ping(): Promise<void> {
    await this.iq(xml('iq', { type: 'get', to: DOMAIN }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
  }

  async stop(): Promise<void> {
    await this.xmpp.stop().catch(() => undefined);
  }
}

export async function users(t: TestServer, ...prefixes: string[]): Promise<AuthResponse[]> {
  const out: AuthResponse[] = [];
  for (const prefix of prefixes) out.push(await registerUser(t.url, prefix));
  return out;
}

export const STREAM_HEADER = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${DOMAIN}' version='1.0'>`;

/** A raw TCP peer for input no library would send: resolves with everything received until the server closes. */
export function rawSession(port: number, send: (socket: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`server did not close the stream; got: ${received.slice(0, 500)}`));
    }, 5000);
    socket.on('connect', () => send(socket));
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}
