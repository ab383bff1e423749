/**
 * One XMPP stream (RFC 6120) over any transport: the stream header, features,
 * STARTTLS, SASL, resource binding, stream errors, then every stanza to the
 * router, one at a time and in order (so one resource's messages commit in the
 * order it sent them). It is also the resource's realtime connection: the hub
 * hands it bus events, which outbound.ts turns into stanzas, again in order.
 * With XEP-0198 (stream-management.ts) a dropped stream that asked for
 * resumption is kept detached for `resumeMs`: events still become stanzas, kept
 * unacknowledged, and a new stream that resumes it takes over (the new session
 * object then only forwards to the old one). It must not know any stanza-level
 * XEP: those are handlers/.
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
import { NS_SM, StreamManagement } from './stream-management';
import type { Router, SessionState, XmppContext } from './router';
import { mechanismsFor } from './sasl';
import { SaslNegotiation } from './sasl-negotiation';
import type { Transport } from './transport';
import { child, el, NS, serialize, text, type XmlElement } from './xml';

export type { Transport } from './transport';

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
  /** The same sessions by user id (RFC 6121 8.5: which resource gets a message to the bare JID). */
  byUser: Map<string, Set<XmppSession>>;
  /** XEP-0198: how long a dropped stream can be resumed; 0 offers no resumption. */
  resumeMs: number;
  /** XEP-0198: sessions that may be resumed, by resumption id. */
  resumable: Map<string, XmppSession>;
}

/** Stanzas parsed but not yet handled before reading pauses (bounded memory per stream). */
const MAX_PENDING = 64;
/** XEP-0198: unacknowledged stanzas kept per session before it is given up. */
const MAX_UNACKED = 5_000;
/** XEP-0198: how soon after sending we ask the client for an ack. */
const ACK_REQUEST_MS = 1_000;

export class XmppSession implements RealtimeConnection {
  private parser: XmlStreamParser;
  private headerSent = false;
  private streamId = '';
  private auth: AuthContext | undefined;
  private readonly saslNegotiation: SaslNegotiation;
  private resource = '';
  private closed = false;
  /** XEP-0198: the transport dropped, the session waits for a resume. */
  private detached = false;
  /** This stream resumed an older session: everything goes there. */
  private movedTo: XmppSession | undefined;
  private readonly sm = new StreamManagement(MAX_UNACKED);
  private ackRequest: { cancel(): void } | undefined;
  private resumeTimer: { cancel(): void } | undefined;
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly bucket: TokenBucket;
  private readonly authTimer: { cancel(): void };
  private readonly log: Logger;
  readonly state: SessionState = {
    carbons: false,
    available: false,
    priority: 0,
    sentClientIds: new Set(),
    rooms: new Map(),
    pendingRooms: new Set(),
    since: Date.now(),
    invited: new Set(),
  };
  /** Highest seq written per conversation: live events at or below it are duplicates of the offline batch. */
  readonly written = new Map<string, number>();
  private ctxCache: XmppContext | undefined;

  constructor(
    readonly id: string,
    private transport: Transport,
    private readonly options: SessionOptions,
  ) {
    this.log = options.logger.child({ connection: id, gateway: 'xmpp' });
    this.parser = this.newParser();
    this.saslNegotiation = new SaslNegotiation(options.services, options.jids.domain, (data) => {
      if (!this.closed) this.transport.write(data);
    });
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
    if (!this.detached && this.transport.bufferedBytes > this.options.sendBufferBytes) {
      this.streamError('policy-violation', 'reader too slow');
      return;
    }
    const serialized = serialize(element, this.transport.kind === 'tcp' ? NS.client : '');
    if (this.sm.enabled && !this.sm.track(serialized)) {
      this.log.info({ unacked: this.sm.unacked.length }, 'too many unacknowledged stanzas');
      if (this.detached) this.terminate();
      else this.streamError('policy-violation', 'too many unacknowledged stanzas');
      return;
    }
    if (this.detached) return;
    this.transport.write(serialized);
    if (this.sm.enabled) this.requestAck();
  }

  /** XEP-0198 4: asks for an ack shortly after sending, once per burst. */
  private requestAck(): void {
    if (this.ackRequest) return;
    this.ackRequest = this.options.clock.setTimeout(() => {
      this.ackRequest = undefined;
      if (!this.closed && !this.detached && this.sm.unacked.length > 0) this.transport.write(`<r xmlns="${NS_SM}"/>`);
    }, ACK_REQUEST_MS);
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
      features.push(el('sm', { xmlns: NS_SM }));
    }
    this.writeStreamElement('features', ...features);
  }

  private onStanza(element: XmlElement): void {
    if (this.movedTo) return this.movedTo.onStanza(element);
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
    if (element.xmlns === NS_SM) return this.onSm(element);
    if (element.xmlns !== NS.client || !['message', 'presence', 'iq'].includes(element.name)) {
      this.streamError('unsupported-stanza-type', `<${element.name}/> is not a stanza`);
      return;
    }
    await this.options.router.dispatch(this.context(), element);
    if (this.sm.enabled) this.sm.countHandled();
  }

  /** XEP-0198 after binding: enable, ack requests (answered in order, after what came before), acks. */
  private onSm(element: XmlElement): void {
    if (element.name === 'enable' && !this.sm.enabled) {
      const resumable = element.attrs.resume === 'true' || element.attrs.resume === '1';
      this.sm.enable(resumable && this.options.resumeMs > 0);
      const seconds = String(Math.floor(this.options.resumeMs / 1000));
      const attrs = this.sm.id ? ` id="${this.sm.id}" resume="true" max="${seconds}"` : '';
      if (this.sm.id) this.options.resumable.set(this.sm.id, this);
      this.transport.write(`<enabled xmlns="${NS_SM}"${attrs}/>`);
    } else if (element.name === 'r' && this.sm.enabled) {
      this.transport.write(`<a xmlns="${NS_SM}" h="${this.sm.handled}"/>`);
    } else if (element.name === 'a' && this.sm.enabled) {
      this.sm.ack(Number(element.attrs.h));
    } else if (element.name === 'enable') {
      this.transport.write(`<failed xmlns="${NS_SM}"><unexpected-request xmlns="${NS.stanzas}"/></failed>`);
    } else this.streamError('unsupported-stanza-type', `<${element.name}/> is not expected here`);
  }

  /** XEP-0198 5: a new stream (this one, authenticated, not bound) takes over a detached session. */
  private async resume(element: XmlElement): Promise<void> {
    const auth = this.auth;
    const old = this.options.resumable.get(element.attrs.previd ?? '');
    const usable = old && old.userId === auth?.user.id && old.detached && old.transport.kind === this.transport.kind;
    if (!auth || !old || !usable) {
      this.transport.write(`<failed xmlns="${NS_SM}"><item-not-found xmlns="${NS.stanzas}"/></failed>`);
      return;
    }
    this.movedTo = old;
    this.authTimer.cancel();
    // This stream's own device session is not needed: the resumed one carries on.
    await this.options.services.accounts.logout(auth);
    old.adopt(this.transport, Number(element.attrs.h));
  }

  private adopt(transport: Transport, h: number): void {
    this.resumeTimer?.cancel();
    this.transport = transport;
    this.detached = false;
    this.sm.ack(h);
    transport.write(`<resumed xmlns="${NS_SM}" previd="${this.sm.id}" h="${this.sm.handled}"/>`);
    for (const stanza of this.sm.unacked) transport.write(stanza);
    if (this.sm.unacked.length > 0) this.requestAck();
    this.log.debug({ resent: this.sm.unacked.length }, 'stream resumed');
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
    if (this.auth && element.xmlns === NS_SM && element.name === 'resume') return this.resume(element);
    if (this.auth && element.name === 'iq' && child(element, 'bind', NS.bind)) {
      this.bind(element);
      return;
    }
    this.streamError('not-authorized', 'authenticate and bind a resource first');
  }

  private async onSasl(element: XmlElement): Promise<void> {
    const outcome = await this.saslNegotiation.onElement(element, this.transport.secure);
    if (outcome.kind === 'too-many-failures') this.streamError('policy-violation', 'too many failed logins');
    if (outcome.kind !== 'success' || this.closed) return;
    this.auth = outcome.auth;
    this.restart();
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
    const mine = this.options.byUser.get(auth.user.id) ?? new Set<XmppSession>();
    mine.add(this);
    this.options.byUser.set(auth.user.id, mine);
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
      resources: () => [...(this.options.byUser.get(auth.user.id) ?? [this])].map((s) => s.state),
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
    if (this.movedTo) return this.movedTo.streamError(condition, message);
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
    if (this.movedTo) return this.movedTo.end();
    if (this.closed) return;
    if (!this.detached) {
      this.transport.write(this.transport.kind === 'websocket' ? `<close xmlns="${NS.framing}"/>` : '</stream:stream>');
      this.transport.end();
    }
    this.terminate();
  }

  /**
   * The transport went away without a closing handshake. A session that enabled
   * resumption is kept detached for a while (XEP-0198 5); any other ends now.
   */
  onTransportClosed(transport: Transport): void {
    if (this.movedTo) return this.movedTo.onTransportClosed(transport);
    if (this.closed || transport !== this.transport) return;
    if (!this.sm.id || this.detached) {
      this.terminate();
      return;
    }
    this.detached = true;
    this.log.debug({ resumeMs: this.options.resumeMs }, 'stream dropped; waiting for a resume');
    this.resumeTimer = this.options.clock.setTimeout(() => this.terminate(), this.options.resumeMs);
  }

  /** Ends the session for good: resource, subscriptions, presence, device session. */
  terminate(): void {
    if (this.closed) return;
    this.closed = true;
    this.authTimer.cancel();
    this.resumeTimer?.cancel();
    this.ackRequest?.cancel();
    if (this.sm.id && this.options.resumable.get(this.sm.id) === this) this.options.resumable.delete(this.sm.id);
    const auth = this.auth;
    if (!auth) return;
    if (this.options.bound.get(this.fullJid) === this) this.options.bound.delete(this.fullJid);
    const mine = this.options.byUser.get(auth.user.id);
    if (mine?.delete(this) && mine.size === 0) this.options.byUser.delete(auth.user.id);
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
