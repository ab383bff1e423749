/**
 * One XMPP stream (RFC 6120) over any transport, from its header to its end: it
 * owns the transport, the parser and the session's lifecycle (authenticated,
 * bound, detached, resumed, closed), writes stanzas (with the send-buffer bound),
 * and is the resource's realtime connection: the hub hands it bus events, which
 * outbound.ts turns into stanzas in order. The rest is in modules of their own:
 *
 * - stream-framing.ts: headers, stream-level elements, features, header checks;
 * - inbound-queue.ts: one stanza at a time, in order, rate-limited, with backpressure;
 * - negotiation.ts: which pre-bind step (STARTTLS, SASL, resume, bind) an element is;
 * - sasl-negotiation.ts: SASL; resources.ts: binding names and the node's resources;
 * - sm-link.ts and stream-management.ts: XEP-0198 (a dropped stream that asked for
 *   resumption stays detached for `resumeMs`, events still become stanzas, kept
 *   unacknowledged, and a new stream that resumes it takes over; the new session
 *   object then only forwards to the old one);
 * - context.ts: what handlers see; router.ts and handlers/: every stanza-level XEP,
 *   which this file must not know.
 */
import { randomBytes } from 'node:crypto';
import type { BusEvent } from '../../ports/bus-events';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { RealtimeConnection, RealtimeHub } from '../../realtime/hub';
import type { AuthContext, ClientOrigin, Services } from '../../services';
import { TokenBucket } from '../ws/token-bucket';
import { buildContext } from './context';
import { InboundQueue } from './inbound-queue';
import { negotiate, type Negotiating } from './negotiation';
import type { JidMapper } from './jid';
import { deliverOffline, droppedEarly, handleEvent, resumedDelivery } from './outbound';
import { XmlStreamParser, type ParserLimits, type StreamErrorCondition } from './parser';
import type { ResourceRegistry } from './resources';
import { registerIq } from './handlers/register';
import { errorStanza, StanzaError, type Router, type SessionState, type XmppContext } from './router';
import { SaslNegotiation } from './sasl-negotiation';
import { SmLink } from './sm-link';
import { NS_SM } from './stream-management';
import { headerProblem, streamClose, streamElement, streamFeatures, streamHeader } from './stream-framing';
import type { Transport } from './transport';
import { el, NS, serialize, type XmlElement } from './xml';

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
  /**
   * Most bus events and tasks waiting in one resource's outbound queue; past it the
   * stream ends with `policy-violation` (the client resyncs on reconnect) instead of
   * the queue growing without bound.
   */
  outboundQueueMax: number;
  authTimeoutMs: number;
  /** Resources bound on this node (a taken name gets a generated one, RFC 6120 7.7.2.2). */
  resources: ResourceRegistry<XmppSession>;
  /** XEP-0198: how long a dropped stream can be resumed; 0 offers no resumption. */
  resumeMs: number;
  /** XEP-0198: sessions that may be resumed, by resumption id. */
  resumable: Map<string, XmppSession>;
  /** The HTTP side's public address, no trailing slash (XEP-0363 and XEP-0066 URLs). */
  httpUrl: () => string;
}

export class XmppSession implements RealtimeConnection {
  private parser: XmlStreamParser;
  private headerSent = false;
  private auth: AuthContext | undefined;
  private readonly saslNegotiation: SaslNegotiation;
  private resource = '';
  private closed = false;
  /** XEP-0198: the transport dropped, the session waits for a resume. */
  private detached = false;
  /** This stream resumed an older session: everything goes there. */
  private movedTo: XmppSession | undefined;
  private readonly smLink: SmLink;
  private resumeTimer: { cancel(): void } | undefined;
  private readonly inbound: InboundQueue;
  private outbound: Promise<void> = Promise.resolve();
  /** Events and tasks in `outbound` not yet done (bounded by outboundQueueMax). */
  private outboundPending = 0;
  /** Until the stream binds a resource or ends (then dropped: an idle session keeps no timer). */
  private authTimer: { cancel(): void } | undefined;
  private logger: Logger | undefined;
  readonly state: SessionState = {
    carbons: false,
    available: false,
    priority: 0,
    sentClientIds: new Set(),
    receiptRequests: new Set(),
    markable: new Set(),
    rooms: new Map(),
    pendingRooms: new Set(),
    since: Date.now(),
    invited: new Set(),
    directed: new Set(),
  };
  /** Highest seq written per conversation: live events at or below it are duplicates of the offline batch. */
  readonly written = new Map<string, number>();
  /** Delivered cursors not moved while detached (outbound.ts), moved when the stream resumes. */
  readonly heldBack = new Map<string, number>();
  private ctxCache: XmppContext | undefined;
  /** The client behind the transport that opened this stream (behind a trusted proxy: the one it names). */
  readonly origin: ClientOrigin;

  constructor(
    readonly id: string,
    private transport: Transport,
    private readonly options: SessionOptions,
  ) {
    this.origin = { address: transport.clientAddress };
    this.parser = this.newParser();
    this.saslNegotiation = new SaslNegotiation(options.services, options.jids.domain, this.origin, (data) => {
      if (!this.closed) this.transport.write(data);
    });
    const bucket = new TokenBucket(options.stanzasPerSecond, options.stanzasPerSecond * 4, options.clock.now());
    this.inbound = new InboundQueue(
      { pause: () => this.transport.pause(), resume: () => this.transport.resume(), open: () => !this.closed },
      bucket,
      options.clock,
      (error) => this.fault(error),
    );
    this.smLink = new SmLink(options.clock, {
      writeRaw: (data) => this.transport.write(data),
      connected: () => !this.closed && !this.detached,
      resumeMs: options.resumeMs,
      register: (smId) => this.options.resumable.set(smId, this),
    });
    this.authTimer = options.clock.setTimeout(() => {
      if (!this.resource) this.streamError('connection-timeout', 'no authentication in time');
    }, options.authTimeoutMs);
  }

  /** The pre-bind steps, for negotiation.ts. */
  private get negotiation(): Negotiating {
    return {
      transport: this.transport,
      authenticated: this.auth !== undefined,
      restart: () => this.restart(),
      sasl: (element) => this.onSasl(element),
      register: async (iq, query) => {
        // XEP-0077 before authentication; refused where a password may not travel (as PLAIN is).
        const { accounts } = this.options.services;
        if (this.transport.secure) this.write(await registerIq(accounts, this.origin, iq, query));
        else this.write(errorStanza(iq, new StanzaError('not-allowed', 'cancel', 'register over TLS only')));
      },
      resume: (element) => this.resume(element),
      bind: (iq) => this.bind(iq),
      streamError: (condition, message) => this.streamError(condition, message),
    };
  }

  private get sm() {
    return this.smLink.sm;
  }

  get userId(): string {
    return this.auth?.user.id ?? '';
  }

  get sessionId(): string {
    return this.auth?.session.id ?? '';
  }

  /** The transport is there (not detached, not closed): what is written reaches the client now. */
  get attached(): boolean {
    return !this.detached && !this.closed;
  }

  get fullJid(): string {
    return this.auth ? `${this.options.jids.user(this.auth.user.username)}/${this.resource}` : '';
  }

  /** This session's logger, made when first used: most sessions never log (a child logger is ~0.5 KB). */
  private get log(): Logger {
    return (this.logger ??= this.options.logger.child({
      connection: this.id,
      gateway: 'xmpp',
      address: this.origin.address,
    }));
  }

  /** Raw text from the transport (already decoded). */
  receive(data: string): void {
    if (!this.closed) this.parser.write(data);
  }

  /** Called by the gateway every 30 s: a stream quiet since the last call gives up its XML parser until it sends again. */
  parkParser(): void {
    if (!this.closed) this.parser.park();
  }

  /** Native JSON frames are not for us: the hub gives us events instead (sendEvent). */
  send(_frame: string): void {}

  sendEvent(event: BusEvent): void {
    const ctx = this.ctxCache;
    if (!ctx || this.closed || droppedEarly(ctx, event)) return;
    this.queue(() => handleEvent(ctx, this, event));
  }

  resync(): void {
    const ctx = this.ctxCache;
    if (!ctx || this.closed) return;
    this.queue(() => deliverOffline(ctx, this));
  }

  /** Runs a task in outbound order; a resource whose queue is full is cut off (it resyncs on reconnect). */
  private queue(task: () => Promise<void>): void {
    if (this.closed) return;
    if (this.outboundPending >= this.options.outboundQueueMax) {
      this.log.warn({ pending: this.outboundPending }, 'xmpp outbound queue full');
      this.streamError('policy-violation', 'too much waiting for this resource: reconnect');
      return;
    }
    this.outboundPending++;
    this.outbound = this.outbound
      .then(task)
      .catch((error: unknown) => this.fault(error))
      .finally(() => this.outboundPending--);
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
    if (this.sm.enabled) this.smLink.requestAck();
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
    this.transport.write(
      streamHeader(this.transport.kind, this.options.jids.domain, randomBytes(12).toString('base64url')),
    );
  }

  private writeStreamElement(name: string, ...content: XmlElement[]): void {
    this.transport.write(streamElement(this.transport.kind, name, content));
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
    const problem = headerProblem(attrs, this.options.jids.domain);
    if (problem) {
      this.streamError(problem.condition, problem.message);
      return;
    }
    const registrationOpen = this.options.services.accounts.registrationOpen;
    this.writeStreamElement('features', ...streamFeatures(this.auth !== undefined, this.transport, registrationOpen));
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
    this.inbound.push(() => this.handle(element));
  }

  private async handle(element: XmlElement): Promise<void> {
    if (this.closed) return;
    if (!this.auth || !this.resource) {
      await negotiate(this.negotiation, element);
      return;
    }
    if (element.xmlns === NS_SM) {
      // XEP-0198 after binding: enable, ack requests (answered in order, after what came before), acks.
      if (!this.smLink.onElement(element)) {
        this.streamError('unsupported-stanza-type', `<${element.name}/> is not expected here`);
      }
      return;
    }
    if (element.xmlns !== NS.client || !['message', 'presence', 'iq'].includes(element.name)) {
      this.streamError('unsupported-stanza-type', `<${element.name}/> is not a stanza`);
      return;
    }
    await this.options.router.dispatch(this.context(), element);
    if (this.sm.enabled) this.sm.countHandled();
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
    this.authTimer?.cancel();
    this.authTimer = undefined;
    // This stream's own device session is not needed: the resumed one carries on.
    await this.options.services.accounts.logout(auth);
    old.adopt(this.transport, Number(element.attrs.h));
  }

  private adopt(transport: Transport, h: number): void {
    this.resumeTimer?.cancel();
    this.transport = transport;
    this.detached = false;
    const resent = this.smLink.resumeOn((data) => transport.write(data), h);
    this.log.debug({ resent }, 'stream resumed');
    const ctx = this.ctxCache;
    if (ctx) {
      this.outbound = this.outbound.then(() => resumedDelivery(ctx, this)).catch((error: unknown) => this.fault(error));
    }
  }

  private async onSasl(element: XmlElement): Promise<void> {
    const outcome = await this.saslNegotiation.onElement(element, this.transport.secure);
    if (outcome.kind === 'too-many-failures') this.streamError('policy-violation', 'too many failed logins');
    if (outcome.kind === 'rate-limited') {
      const seconds = Math.ceil(outcome.retryAfterMs / 1000);
      this.streamError('policy-violation', `too many failed logins from your address: retry in ${seconds} s`);
    }
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
    // RFC 6120 7.7.2.2 "override": a taken or missing resource gets a generated one.
    // Taken means bound on this node or available on any node (the cluster-wide presence registry).
    const elsewhere = new Set(this.options.services.presence.devicesOf(auth.user.id).map((d) => d.resource));
    this.resource = this.options.resources.choose(this.options.jids.user(auth.user.username), iq, elsewhere);
    this.authTimer?.cancel();
    this.authTimer = undefined;
    this.options.resources.add(this.fullJid, this);
    const ctx = this.context();
    this.write(
      el('iq', { type: 'result', id: iq.attrs.id }, el('bind', { xmlns: NS.bind }, el('jid', {}, this.fullJid))),
    );
    // Subscribe first, then catch up: anything committed meanwhile arrives live and is de-duplicated.
    this.queue(async () => {
      const conversationIds = await this.options.services.conversations.memberOf(auth);
      if (this.closed) return;
      await this.options.hub.attach(this, conversationIds);
      await deliverOffline(ctx, this);
    });
  }

  context(): XmppContext {
    if (this.ctxCache) return this.ctxCache;
    const auth = this.auth;
    if (!auth) throw new Error('no context before authentication');
    this.ctxCache = buildContext({
      auth,
      services: this.options.services,
      jids: this.options.jids,
      fullJid: this.fullJid,
      connectionId: this.id,
      httpUrl: this.options.httpUrl,
      state: this.state,
      logger: () => this.log,
      send: (element) => this.write(element),
      enqueue: (task) => this.queue(task),
    });
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
      this.transport.write(streamClose(this.transport.kind));
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
    this.authTimer?.cancel();
    this.authTimer = undefined;
    this.resumeTimer?.cancel();
    this.smLink.stop();
    if (this.sm.id && this.options.resumable.get(this.sm.id) === this) this.options.resumable.delete(this.sm.id);
    const auth = this.auth;
    if (!auth) return;
    this.options.resources.remove(this.fullJid, this);
    this.options.hub.detach(this);
    const { services } = this.options;
    const wasAvailable = this.state.available;
    const directed = [...this.state.directed];
    const gone = { resource: this.resource, status: 'offline' as const, priority: this.state.priority };
    void (async () => {
      if (wasAvailable) await services.presence.disconnected(auth.user.id, this.id);
      // RFC 6121 4.6.3: whoever got directed presence from this resource learns that it left.
      for (const userId of directed) await services.presence.direct(auth, userId, gone);
      // The device session exists only for this stream: nobody holds its token.
      await services.accounts.logout(auth);
    })().catch((error: unknown) => this.log.error({ err: error }, 'xmpp session cleanup failed'));
  }
}
