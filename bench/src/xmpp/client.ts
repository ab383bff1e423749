/**
 * A minimal XMPP client for load generation (RFC 6120 over TCP): STARTTLS (any
 * certificate: the servers under test use a throwaway self-signed one), SASL
 * SCRAM-SHA-1 or PLAIN, resource binding, initial presence; then it writes
 * pre-built stanza strings and reports every incoming stanza as a small element
 * tree. One socket and one saxes parser per user, no timers per message: a
 * thousand of them fit in one process with the CPU left for the servers.
 * Not a general client: no stream management, no roster, no reconnection.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { SaxesParser } from 'saxes';
import {
  clientFinal,
  clientFirstBare,
  clientNonce,
  parseServerFirst,
  saltedPassword,
  verifyServerFinal,
} from './scram';
import { NS, escapeXml, streamHeader } from './wire';

export interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

export function child(element: Element, name: string): Element | undefined {
  return element.children.find((c) => c.name === name);
}

export type Mechanism = 'SCRAM-SHA-1' | 'PLAIN';

export interface ClientOptions {
  host: string;
  port: number;
  domain: string;
  username: string;
  password: string;
  resource: string;
  mechanism: Mechanism;
  /** Deadline for the whole login, in ms. */
  timeoutMs: number;
  /** Cache of PBKDF2 results shared by the clients of a run (key: password, salt, iterations). */
  scramCache: Map<string, Buffer>;
  /** Fetch the roster (RFC 6121) before sending initial presence, as a real client does at login. */
  fetchRoster?: boolean;
  /** Source address (a loopback 127.0.0.x: each has about 28,000 ephemeral ports). */
  localAddress?: string;
}

export class XmppError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One logged-in XMPP session. Set `onStanza` and `onClose` before calling `login`. */
export class XmppClient {
  onStanza: (stanza: Element) => void = () => {};
  onClose: (reason: string) => void = () => {};
  jid = '';
  /** Negotiated TLS version and cipher, e.g. `TLSv1.3 TLS_AES_256_GCM_SHA384`. */
  tlsDescription = '';
  private socket: Socket | TLSSocket | undefined;
  private parser: SaxesParser | undefined;
  private decoder = new StringDecoder('utf8');
  private stack: Element[] = [];
  private live = false;
  private closed = false;
  private inbox: Element[] = [];
  private waiter: { resolve: (e: Element) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(private readonly options: ClientOptions) {}

  get bufferedBytes(): number {
    return this.socket?.writableLength ?? 0;
  }

  async login(): Promise<void> {
    const { options } = this;
    const timer = setTimeout(
      () => this.fail(new XmppError('login-timeout', `login took over ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    try {
      const plain = await new Promise<Socket>((resolve, reject) => {
        const socket = tcpConnect({
          host: options.host,
          port: options.port,
          ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        });
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      });
      plain.setNoDelay(true);
      this.attach(plain);
      let features = await this.openStream();
      if (!child(features, 'starttls')) throw new XmppError('no-starttls', 'the server offers no STARTTLS');
      this.write(`<starttls xmlns='${NS.tls}'/>`);
      const proceed = await this.next();
      if (proceed.name !== 'proceed')
        throw new XmppError('starttls-refused', `STARTTLS answered with <${proceed.name}/>`);
      plain.removeAllListeners('data');
      plain.removeAllListeners('close');
      plain.removeAllListeners('error');
      const secure = await new Promise<TLSSocket>((resolve, reject) => {
        const socket = tlsConnect({ socket: plain, servername: options.domain, rejectUnauthorized: false });
        socket.once('secureConnect', () => resolve(socket));
        socket.once('error', reject);
      });
      this.tlsDescription = `${secure.getProtocol() ?? '?'} ${secure.getCipher()?.name ?? '?'}`;
      this.attach(secure);
      features = await this.openStream();
      await this.authenticate(features);
      features = await this.openStream();
      if (!child(features, 'bind')) throw new XmppError('no-bind', 'no resource binding offered');
      const bind = `<bind xmlns='${NS.bind}'><resource>${escapeXml(options.resource)}</resource></bind>`;
      const bound = await this.iq(`<iq type='set' id='bind1'>${bind}</iq>`);
      this.jid = child(child(bound, 'bind') ?? bound, 'jid')?.text ?? '';
      const session = child(features, 'session');
      if (session && !child(session, 'optional'))
        await this.iq(`<iq type='set' id='sess1'><session xmlns='${NS.session}'/></iq>`);
      if (options.fetchRoster) await this.iq(`<iq type='get' id='roster1'><query xmlns='jabber:iq:roster'/></iq>`);
      this.live = true;
      for (const stanza of this.inbox.splice(0)) this.onStanza(stanza);
      this.write('<presence/>');
    } catch (error) {
      this.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  write(data: string): void {
    if (this.socket && !this.socket.destroyed) this.socket.write(data);
  }

  /** Closes the stream politely and the socket for sure. */
  close(): void {
    if (this.closed) return;
    this.write('</stream:stream>');
    this.socket?.end();
    const socket = this.socket;
    setTimeout(() => socket?.destroy(), 1000).unref();
    this.closed = true;
  }

  destroy(): void {
    this.closed = true;
    this.socket?.destroy();
  }

  private async authenticate(features: Element): Promise<void> {
    const { options } = this;
    const mechanisms = (child(features, 'mechanisms')?.children ?? []).map((m) => m.text.trim());
    if (!mechanisms.includes(options.mechanism)) {
      throw new XmppError('no-mechanism', `${options.mechanism} not offered (offered: ${mechanisms.join(' ')})`);
    }
    if (options.mechanism === 'PLAIN') {
      const payload = Buffer.from(`\0${options.username}\0${options.password}`).toString('base64');
      this.write(`<auth xmlns='${NS.sasl}' mechanism='PLAIN'>${payload}</auth>`);
      await this.expectSuccess();
      return;
    }
    const nonce = clientNonce();
    const first = clientFirstBare(options.username, nonce);
    this.write(
      `<auth xmlns='${NS.sasl}' mechanism='SCRAM-SHA-1'>${Buffer.from(`n,,${first}`).toString('base64')}</auth>`,
    );
    const challenge = await this.next();
    if (challenge.name !== 'challenge') throw this.saslFailure(challenge);
    const serverFirst = Buffer.from(challenge.text.trim(), 'base64').toString('utf8');
    const { salt, iterations } = parseServerFirst(serverFirst, nonce);
    const key = `${options.password}\0${salt.toString('base64')}\0${iterations}`;
    let salted = options.scramCache.get(key);
    if (!salted) {
      salted = saltedPassword(options.password, salt, iterations);
      options.scramCache.set(key, salted);
    }
    const final = clientFinal(first, serverFirst, salted);
    this.write(`<response xmlns='${NS.sasl}'>${Buffer.from(final.message).toString('base64')}</response>`);
    const success = await this.expectSuccess();
    if (
      !verifyServerFinal(Buffer.from(success.text.trim(), 'base64').toString('utf8'), final.expectedServerSignature)
    ) {
      throw new XmppError('scram-server-proof', 'the server did not prove that it knows the password');
    }
  }

  private async expectSuccess(): Promise<Element> {
    const answer = await this.next();
    if (answer.name !== 'success') throw this.saslFailure(answer);
    return answer;
  }

  private saslFailure(element: Element): XmppError {
    const condition = element.children[0]?.name ?? element.name;
    return new XmppError(`sasl-${condition}`, `SASL ${this.options.mechanism} failed: ${condition}`);
  }

  private async iq(stanza: string): Promise<Element> {
    this.write(stanza);
    for (let i = 0; i < 32; i++) {
      const answer = await this.next();
      if (answer.name !== 'iq') continue; // e.g. an early presence or message
      if (answer.attrs.type === 'result') return answer;
      throw new XmppError(
        'iq-error',
        `iq ${answer.attrs.id ?? ''} failed: ${child(answer, 'error')?.children[0]?.name ?? '?'}`,
      );
    }
    throw new XmppError('iq-no-answer', 'no iq result among 32 stanzas');
  }

  private async openStream(): Promise<Element> {
    this.newParser();
    this.write(streamHeader(this.options.domain));
    const features = await this.next();
    if (features.name !== 'stream:features')
      throw new XmppError('no-features', `expected features, got <${features.name}/>`);
    return features;
  }

  private attach(socket: Socket | TLSSocket): void {
    this.socket = socket;
    this.decoder = new StringDecoder('utf8');
    socket.on('data', (chunk: Buffer) => {
      try {
        this.parser?.write(this.decoder.write(chunk));
      } catch (error) {
        this.fail(new XmppError('not-well-formed', error instanceof Error ? error.message : String(error)));
      }
    });
    socket.on('error', (error: Error) => this.fail(new XmppError('socket', error.message)));
    socket.on('close', () => this.fail(new XmppError('closed', 'connection closed')));
  }

  private newParser(): void {
    const parser = new SaxesParser();
    this.stack = [];
    parser.on('opentag', (tag) => {
      const attrs = tag.attributes as Record<string, string>;
      if (tag.name === 'stream:stream' && this.stack.length === 0) return;
      this.stack.push({ name: tag.name, attrs, children: [], text: '' });
    });
    parser.on('text', (text) => {
      const top = this.stack[this.stack.length - 1];
      if (top) top.text += text;
    });
    parser.on('closetag', (tag) => {
      if (tag.name === 'stream:stream')
        return this.fail(new XmppError('stream-closed', 'the server closed the stream'));
      const element = this.stack.pop();
      if (!element) return;
      const parent = this.stack[this.stack.length - 1];
      if (parent) parent.children.push(element);
      else this.deliver(element);
    });
    this.parser = parser;
  }

  private deliver(element: Element): void {
    if (element.name === 'stream:error') {
      const condition = element.children[0]?.name ?? 'unknown';
      this.fail(new XmppError(`stream-error-${condition}`, `stream error: ${condition}`));
      return;
    }
    if (this.live) return this.onStanza(element);
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve(element);
    } else this.inbox.push(element);
  }

  private next(): Promise<Element> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
    this.socket?.destroy();
    if (this.live && !this.closed) this.onClose(error instanceof XmppError ? error.code : 'error');
    this.closed = true;
  }
}
