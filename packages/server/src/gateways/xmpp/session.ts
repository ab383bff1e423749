/**
 * One XMPP stream (RFC 6120) over any transport: the stream header, features,
 * STARTTLS, SASL, resource binding, stream errors, then every stanza to the
 * router, one at a time and in order (so one resource's messages commit in the
 * order it sent them). It is also the resource's realtime connection: the hub
 * hands it bus events, which outbound.ts turns into stanzas, again in order.
 * It must not know any XEP: those are handlers/.
 */
import { randomBytes } from 'node:crypto';
import type { BusEvent } from '../../ports/bus-events';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { RealtimeConnection, RealtimeHub } from '../../realtime/hub';
import type { AuthContext, Services } from '../../services';
import { TokenBucket } from '../ws/token-bucket';
import type { JidMapper } from './jid';
import { deliverOffline, handleEvent } from './outbound';
import { XmlStreamParser, type ParserLimits, type StreamErrorCondition } from './parser';
import type { Router, SessionState, XmppContext } from './router';
import { mechanismsFor, startSasl, type SaslExchange } from './sasl';
import { child, el, NS, serialize, text, type XmlElement } from './xml';

export interface Transport {
  readonly kind: 'tcp' | 'websocket';
  /** TLS is in place (or the WebSocket is on loopback behind a TLS-terminating proxy). */
  readonly secure: boolean;
  /** STARTTLS is possible on this transport now. */
  readonly canStartTls: boolean;
  readonly bufferedBytes: number;
  write(data: string): void;
  /** Upgrades to TLS after `<proceed/>` was written; resolves when the handshake is done. */
  startTls(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Flushes what was written, then closes. */
  end(): void;
}

export interface SessionOptions {
  services: Services;
  hub: RealtimeHub;
  router: Router;
  jids: JidMapper;
  clock: Clock;
  logger: Logger;
  limits: ParserLimits;
  stanzasPerSecond: number;
  sendBufferBytes: number;
  authTimeoutMs: number;
  /** Resources bound on this node, by full JID (conflicts get a generated resource). */
  bound: Map<string, XmppSession>;
}

const MAX_AUTH_FAILURES = 3;
/** Stanzas parsed but not yet handled before reading pauses (bounded memory per stream). */
const MAX_PENDING = 64;

export class XmppSession implements RealtimeConnection {
  private parser: XmlStreamParser;
  private headerSent = false;
  private streamId = '';
  private auth: AuthContext | undefined;
  private sasl: SaslExchange | undefined;
  private authFailures = 0;
  private resource = '';
  private closed = false;
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly bucket: TokenBucket;
  private readonly authTimer: { cancel(): void };
  private readonly log: Logger;
  readonly state: SessionState = { carbons: false, available: false, sentClientIds: new Set(), rooms: new Map() };
  /** Highest seq written per conversation: live events at or below it are duplicates of the offline batch. */
  readonly written = new Map<string, number>();
  private ctxCache: XmppContext | undefined;

  constructor(
    readonly id: string,
    private readonly transport: Transport,
    private readonly options: SessionOptions,
  ) {
    this.log = options.logger.child({ connection: id, gateway: 'xmpp' });
    this.parser = this.newParser();
    this.bucket = new TokenBucket(options.stanzasPerSecond, options.stanzasPerSecond * 4, options.clock.now());
    this.authTimer = options.clock.setTimeout(() => {
      if (!this.resource) this.streamError('connection-timeout', 'no authentication in time');
    }, options.authTimeoutMs);
  }

  get userId(): string {
    return this.auth?.user.id ?? '';
  }

  get sessionId(): string {
    return this.auth?.session.id ?? '';
  }

  get fullJid(): string {
    return this.auth ? `${this.options.jids.user(this.auth.user.username)}/${this.resource}` : '';
  }

  /** Raw text from the transport (already decoded). */
  receive(data: string): void {
    if (!this.closed) this.parser.write(data);
  }

  /** Native JSON frames are not for us: the hub gives us events instead (sendEvent). */
  send(_frame: string): void {}

  sendEvent(event: BusEvent): void {
    const ctx = this.ctxCache;
    if (!ctx || this.closed) return;
    this.outbound = this.outbound
      .then(() => handleEvent(ctx, this, event))
      .catch((error: unknown) => this.fault(error));
  }

  close(_code: number, reason: string): void {
    this.streamError(reason === 'session revoked' ? 'not-authorized' : 'system-shutdown', reason);
  }

  /** Writes a stanza; a reader that stays too far behind is cut off (it resyncs on reconnect). */
  write(element: XmlElement): void {
    if (this.closed) return;
    if (this.transport.bufferedBytes > this.options.sendBufferBytes) {
      this.streamError('policy-violation', 'reader too slow');
      return;
    }
    this.transport.write(serialize(element, this.transport.kind === 'tcp' ? NS.client : ''));
  }

  private newParser(): XmlStreamParser {
    return new XmlStreamParser(this.transport.kind === 'tcp' ? 'stream' : 'frames', this.options.limits, {
      streamOpen: (attrs, element) => this.onStreamOpen(attrs, element),
      stanza: (element) => this.onStanza(element),
      streamClose: () => this.end(),
      error: (condition, message) => this.streamError(condition, message),
    });
  }

  private writeStreamHeader(): void {
    if (this.headerSent) return;
    this.headerSent = true;
    this.streamId = randomBytes(12).toString('base64url');
    const domain = this.options.jids.domain;
    if (this.transport.kind === 'websocket') {
      this.transport.write(
        `<open xmlns="${NS.framing}" from="${domain}" id="${this.streamId}" version="1.0" xml:lang="en"/>`,
      );
    } else {
      this.transport.write(
        `<?xml version='1.0'?><stream:stream xmlns="${NS.client}" xmlns:stream="${NS.stream}" from="${domain}" id="${this.streamId}" version="1.0" xml:lang="en">`,
      );
    }
  }

  /** Stream-level elements carry the `stream:` prefix, declared by the header on TCP. */
  private writeStreamElement(name: string, ...content: XmlElement[]): void {
    const decl = this.transport.kind === 'websocket' ? ` xmlns:stream="${NS.stream}"` : '';
    this.transport.write(`<stream:${name}${decl}>${content.map((c) => serialize(c, '')).join('')}</stream:${name}>`);
  }

  private onStreamOpen(attrs: Record<string, string>, element: { name: string; xmlns: string }): void {
    this.writeStreamHeader();
    if (element.name !== 'stream' || element.xmlns !== NS.stream) {
      this.streamError('invalid-namespace', 'expected <stream:stream>');
      return;
    }
    this.checkHeader(attrs);
  }

  private checkHeader(attrs: Record<string, string>): void {
    if (attrs.to !== undefined && attrs.to.toLowerCase() !== this.options.jids.domain) {
      this.streamError('host-unknown', `this server serves ${this.options.jids.domain}`);
      return;
    }
    if (attrs.version !== undefined && !/^1\.\d+$/.test(attrs.version)) {
      this.streamError('unsupported-version', 'XMPP 1.0 only');
      return;
    }
    this.sendFeatures();
  }

  private sendFeatures(): void {
    const features: XmlElement[] = [];
    if (!this.auth) {
      if (this.transport.canStartTls) features.push(el('starttls', { xmlns: NS.tls }, el('required')));
      else {
        const mechanisms = mechanismsFor(this.transport.secure).map((m) => el('mechanism', {}, m));
        features.push(el('mechanisms', { xmlns: NS.sasl }, ...mechanisms));
      }
    } else {
      features.push(el('bind', { xmlns: NS.bind }));
      // RFC 6121 legacy session establishment, marked optional (RFC 3921bis).
      features.push(el('session', { xmlns: NS.session }, el('optional')));
      features.push(el('ver', { xmlns: 'urn:xmpp:features:rosterver' }));
    }
    this.writeStreamElement('features', ...features);
  }

  private onStanza(element: XmlElement): void {
    if (this.closed) return;
    if (element.xmlns === NS.framing) {
      if (element.name === 'open') {
        this.writeStreamHeader();
        this.checkHeader(element.attrs);
      } else if (element.name === 'close') this.end();
      return;
    }
    this.pending += 1;
    if (this.pending >= MAX_PENDING) this.transport.pause();
    this.inbound = this.inbound
      .then(() => this.throttle())
      .then(() => this.handle(element))
      .catch((error: unknown) => this.fault(error))
      .finally(() => {
        this.pending -= 1;
        if (this.pending === MAX_PENDING - 1 && !this.closed) this.transport.resume();
      });
  }

  /** Per-stream rate limit: past it, handling (and so, through MAX_PENDING, reading) waits. */
  private async throttle(): Promise<void> {
    const wait = this.bucket.take(this.options.clock.now());
    if (wait > 0) await new Promise<void>((resolve) => this.options.clock.setTimeout(resolve, wait));
  }

  private async handle(element: XmlElement): Promise<void> {
    if (this.closed) return;
    if (!this.auth || !this.resource) {
      await this.negotiate(element);
      return;
    }
    if (element.xmlns !== NS.client || !['message', 'presence', 'iq'].includes(element.name)) {
      this.streamError('unsupported-stanza-type', `<${element.name}/> is not a stanza`);
      return;
    }
    await this.options.router.dispatch(this.context(), element);
  }

  private async negotiate(element: XmlElement): Promise<void> {
    if (element.xmlns === NS.tls && element.name === 'starttls' && this.transport.canStartTls) {
      this.transport.write(`<proceed xmlns="${NS.tls}"/>`);
      await this.transport.startTls();
      this.restart();
      return;
    }
    const isStanza = element.xmlns === NS.client && ['message', 'presence', 'iq'].includes(element.name);
    if (this.transport.canStartTls && !isStanza) {
      this.streamError('policy-violation', 'STARTTLS is required');
      return;
    }
    if (element.xmlns === NS.sasl && !this.auth) {
      await this.onSasl(element);
      return;
    }
    if (this.auth && element.name === 'iq' && child(element, 'bind', NS.bind)) {
      this.bind(element);
      return;
    }
    this.streamError('not-authorized', 'authenticate and bind a resource first');
  }

  private async onSasl(element: XmlElement): Promise<void> {
    if (element.name === 'abort') {
      this.sasl = undefined;
      this.transport.write(`<failure xmlns="${NS.sasl}"><aborted/></failure>`);
      return;
    }
    let data: Buffer;
    if (element.name === 'auth') {
      const mechanism = element.attrs.mechanism ?? '';
      this.sasl = mechanismsFor(this.transport.secure).includes(mechanism)
        ? (startSasl(mechanism, this.options.services, this.options.jids.domain) ?? undefined)
        : undefined;
      if (!this.sasl) return this.saslFailure('invalid-mechanism');
    } else if (element.name !== 'response' || !this.sasl) return this.saslFailure('malformed-request');
    const payload = text(element).trim();
    if (payload === '') {
      if (element.name === 'auth') return this.saslChallenge('');
      data = Buffer.alloc(0);
    } else data = Buffer.from(payload === '=' ? '' : payload, 'base64');
    const step = await this.sasl.step(data);
    if (this.closed) return;
    if (step.kind === 'challenge') return this.saslChallenge(step.data);
    this.sasl = undefined;
    if (step.kind === 'failure') return this.saslFailure(step.condition);
    this.auth = step.auth;
    const extra = step.data === undefined ? '' : Buffer.from(step.data).toString('base64');
    this.transport.write(`<success xmlns="${NS.sasl}">${extra}</success>`);
    this.restart();
  }

  private saslChallenge(data: string): void {
    this.transport.write(`<challenge xmlns="${NS.sasl}">${Buffer.from(data).toString('base64') || '='}</challenge>`);
  }

  private saslFailure(condition: string): void {
    this.transport.write(`<failure xmlns="${NS.sasl}"><${condition}/></failure>`);
    if (++this.authFailures >= MAX_AUTH_FAILURES) this.streamError('policy-violation', 'too many failed logins');
  }

  /** RFC 6120 4.3.3: after TLS and after SASL the stream starts over with a fresh parser. */
  private restart(): void {
    this.headerSent = false;
    this.parser = this.newParser();
  }

  private bind(iq: XmlElement): void {
    const auth = this.auth;
    if (!auth || iq.attrs.type !== 'set' || !iq.attrs.id) {
      this.streamError('not-authorized', 'bad bind request');
      return;
    }
    const bindEl = child(iq, 'bind', NS.bind);
    const requested = bindEl ? text(child(bindEl, 'resource', NS.bind)).trim() : '';
    // RFC 6120 7.7.2.2 "override": a taken or missing resource gets a generated one.
    let resource = requested && requested.length <= 256 ? requested : randomBytes(6).toString('base64url');
    const bare = this.options.jids.user(auth.user.username);
    while (this.options.bound.has(`${bare}/${resource}`)) resource = `${resource}-${randomBytes(3).toString('hex')}`;
    this.resource = resource;
    this.authTimer.cancel();
    this.options.bound.set(this.fullJid, this);
    const ctx = this.context();
    this.write(
      el('iq', { type: 'result', id: iq.attrs.id }, el('bind', { xmlns: NS.bind }, el('jid', {}, this.fullJid))),
    );
    // Subscribe first, then catch up: anything committed meanwhile arrives live and is de-duplicated.
    this.outbound = this.outbound
      .then(async () => {
        const conversationIds = await this.options.services.conversations.memberOf(auth);
        if (this.closed) return;
        this.options.hub.attach(this, conversationIds);
        await deliverOffline(ctx, this);
      })
      .catch((error: unknown) => this.fault(error));
  }

  context(): XmppContext {
    if (this.ctxCache) return this.ctxCache;
    const auth = this.auth;
    if (!auth) throw new Error('no context before authentication');
    const bareJid = this.options.jids.user(auth.user.username);
    this.ctxCache = {
      auth,
      services: this.options.services,
      jids: this.options.jids,
      bareJid,
      fullJid: this.fullJid,
      connectionId: this.id,
      state: this.state,
      logger: this.log,
      send: (element) => this.write(element),
      enqueue: (task) => {
        this.outbound = this.outbound.then(task).catch((error: unknown) => this.fault(error));
      },
    };
    return this.ctxCache;
  }

  private fault(error: unknown): void {
    this.log.error({ err: error }, 'xmpp session error');
    this.streamError('internal-server-error', 'unexpected server error');
  }

  /** Sends the stream error and closes the stream; other sessions are untouched. */
  streamError(condition: StreamErrorCondition, message: string): void {
    if (this.closed) return;
    this.writeStreamHeader();
    this.log.debug({ condition, message }, 'stream error');
    this.writeStreamElement(
      'error',
      el(condition, { xmlns: NS.streams }),
      el('text', { xmlns: NS.streams, 'xml:lang': 'en' }, message),
    );
    this.end();
  }

  /** Closes our side of the stream and the transport. */
  end(): void {
    if (this.closed) return;
    this.transport.write(this.transport.kind === 'websocket' ? `<close xmlns="${NS.framing}"/>` : '</stream:stream>');
    this.transport.end();
    this.onClosed();
  }

  /** The transport went away (or we closed it). */
  onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.authTimer.cancel();
    const auth = this.auth;
    if (!auth) return;
    if (this.options.bound.get(this.fullJid) === this) this.options.bound.delete(this.fullJid);
    this.options.hub.detach(this);
    const { services } = this.options;
    const wasAvailable = this.state.available;
    void (async () => {
      if (wasAvailable) await services.presence.disconnected(auth.user.id, this.id);
      // The device session exists only for this stream: nobody holds its token.
      await services.accounts.logout(auth);
    })().catch((error: unknown) => this.log.error({ err: error }, 'xmpp session cleanup failed'));
  }
}
