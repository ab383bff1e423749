/**
 * The router: after resource binding, every stanza goes to one named handler,
 * Prosody-style. IQs route by type and payload namespace (`iq-get/urn:xmpp:ping`),
 * messages by type (`message/chat`), presence by type (`presence/subscribe`).
 * Handlers live one per XEP in handlers/ and register here; the router itself
 * knows no feature. Stanzas addressed to the conference component
 * (`room@conference.domain`) route under a `muc/` prefix (`muc/presence/available`,
 * `muc/iq-get/<ns>`), as Prosody hosts a component. An IQ nobody handles gets `service-unavailable`, as RFC 6120
 * section 8.4 asks; other unhandled stanzas are dropped.
 */
import { AppError } from '../../domain/errors';
import type { Logger } from '../../ports/logger';
import type { AuthContext, Services } from '../../services';
import { parseJid, type JidMapper } from './jid';
import { children, el, NS, type XmlElement } from './xml';

export interface SessionState {
  /**
   * XEP-0045: rooms (by conversation id) this resource joined: its nick, and the
   * seq up to which the join's history covered the room (live messages at or
   * below it are duplicates).
   */
  readonly rooms: Map<string, { nick: string; seq: number }>;
  /**
   * XEP-0045 10.1: rooms this resource created by joining a new room JID, locked
   * until their owner submits the configuration (then the group or channel exists).
   */
  readonly pendingRooms: Set<string>;
  /** When the resource was bound: rooms joined later were invitations (XEP-0045 7.8.2). */
  readonly since: number;
  /** Rooms this resource has been told it was invited to. */
  readonly invited: Set<string>;
  /**
   * RFC 6121 4.6: users (ids) this resource sent directed presence to; they get its
   * `unavailable` when it leaves. Bounded (MAX_DIRECTED in handlers/presence.ts).
   */
  readonly directed: Set<string>;
  /** XEP-0280: this resource asked for carbons. */
  carbons: boolean;
  /** RFC 6121: the resource sent its initial presence. */
  available: boolean;
  /** RFC 6121 4.7.2.3: the resource's priority (-128..127, 0 by default). */
  priority: number;
  /** Client ids of messages this resource sent: their echo from the hub is not written back. */
  readonly sentClientIds: Set<string>;
  /**
   * Client ids of messages this resource sent asking for a delivery receipt (XEP-0184
   * `<request/>`) or marked `<markable/>` (XEP-0333): only those get `<received/>` or
   * `<displayed/>` back. Bounded (the oldest are forgotten).
   */
  readonly receiptRequests: Set<string>;
  readonly markable: Set<string>;
}

export interface XmppContext {
  readonly auth: AuthContext;
  readonly services: Services;
  readonly jids: JidMapper;
  readonly bareJid: string;
  readonly fullJid: string;
  /** This stream's bound resource (the part of fullJid after the slash). */
  readonly resource: string;
  /** Stable per connection: the presence service's device id for this resource. */
  readonly connectionId: string;
  /** The HTTP side's public address, no trailing slash (XEP-0363 and XEP-0066 URLs). */
  httpUrl(): string;
  readonly state: SessionState;
  readonly logger: Logger;
  send(element: XmlElement): void;
  /**
   * Runs a task in the resource's outbound order, after every bus event already
   * queued for it (a room join reads history there, so no live message falls
   * between the history and the first live one).
   */
  enqueue(task: () => Promise<void>): void;
}

/** An IQ handler returns the payload of the result (or nothing for an empty result). */
export type IqHandler = (ctx: XmppContext, iq: XmlElement, payload: XmlElement) => Promise<XmlElement | void>;
export type StanzaHandler = (ctx: XmppContext, stanza: XmlElement) => Promise<void>;

export class StanzaError extends Error {
  constructor(
    readonly condition: string,
    readonly type: 'cancel' | 'modify' | 'auth' | 'wait' = 'cancel',
    text?: string,
    /** Application-specific conditions (RFC 6120 8.3.3.8), e.g. XEP-0363 `<file-too-large/>`. */
    readonly extra: readonly XmlElement[] = [],
  ) {
    super(text ?? condition);
  }
}

export function errorStanza(stanza: XmlElement, error: StanzaError): XmlElement {
  const { from, to, ...rest } = stanza.attrs;
  const conditionEl = el(error.condition, { xmlns: NS.stanzas });
  const textEl = error.message !== error.condition ? [el('text', { xmlns: NS.stanzas }, error.message)] : [];
  // XEP-0045 7.2: a refused room join echoes its <x xmlns='…/muc'/> (slixmpp matches errors by it).
  const echoed =
    stanza.name === 'presence'
      ? children(stanza).filter((c) => c.name === 'x' && c.xmlns === 'http://jabber.org/protocol/muc')
      : [];
  return el(
    stanza.name,
    { ...rest, from: to, to: from, type: 'error' },
    ...echoed,
    el('error', { type: error.type }, conditionEl, ...textEl, ...error.extra),
  );
}

/** Service errors as RFC 6120 stanza error conditions; anything else is the session's to log. */
export function toStanzaError(error: unknown): StanzaError | null {
  if (error instanceof StanzaError) return error;
  if (!(error instanceof AppError)) return null;
  switch (error.code) {
    case 'not_found':
      return new StanzaError('item-not-found', 'cancel', error.message);
    case 'forbidden':
    case 'not_member':
    case 'banned':
    case 'muted':
      return new StanzaError('forbidden', 'auth', error.message);
    case 'conversation_archived':
      // An archived room is read-only for every occupant, as a moderated room is for a visitor.
      return new StanzaError('forbidden', 'auth', error.message);
    case 'edit_window_passed':
      return new StanzaError('not-allowed', 'cancel', error.message);
    case 'limit_reached':
      return new StanzaError('policy-violation', 'cancel', error.message);
    case 'slow_mode':
      return new StanzaError('resource-constraint', 'wait', error.message);
    case 'blocked':
      return new StanzaError('not-acceptable', 'cancel', error.message);
    case 'privacy_restricted':
      return new StanzaError('forbidden', 'auth', error.message);
    case 'rate_limited':
      return new StanzaError('resource-constraint', 'wait', error.message);
    case 'message_rejected':
      // A pre-send hook refused it: the text carries the hook's reason (ADR 0030).
      return new StanzaError('policy-violation', 'cancel', error.message);
    case 'presend_unavailable':
      return new StanzaError('service-unavailable', 'wait', error.message);
    case 'message_too_large':
      return new StanzaError('policy-violation', 'modify', error.message);
    case 'client_id_conflict':
      return new StanzaError('conflict', 'cancel', error.message);
    case 'invalid_operation':
      return new StanzaError('not-allowed', 'cancel', error.message);
    case 'bad_request':
      return new StanzaError('bad-request', 'modify', error.message);
    case 'invalid_text':
      // Well-formed XML, but a text Parley's rules refuse (docs/protocol.md, "Text rules").
      return new StanzaError('not-acceptable', 'modify', error.message);
    case 'e2ee_required':
      // An end-to-end encrypted room: XMPP clients cannot speak MLS, and plaintext is refused.
      return new StanzaError('not-acceptable', 'cancel', error.message);
    default:
      return error.retryable ? new StanzaError('internal-server-error', 'wait', error.message) : null;
  }
}

function scopeOf(ctx: XmppContext, stanza: XmlElement): string {
  const to = stanza.attrs.to;
  if (to === undefined) return '';
  const domain = parseJid(to)?.domain;
  return domain === ctx.jids.conference ? 'muc/' : '';
}

export class Router {
  private readonly iq = new Map<string, IqHandler>();
  private readonly stanzas = new Map<string, StanzaHandler>();

  /** `scope` 'muc' takes IQs to the conference component and its rooms instead of the server's. */
  onIq(type: 'get' | 'set', xmlns: string, handler: IqHandler, scope: '' | 'muc' = ''): this {
    this.iq.set(`${scope ? 'muc/' : ''}${type}/${xmlns}`, handler);
    return this;
  }

  /**
   * `key` is `message/<type>` or `presence/<type>` (`available` for presence without
   * a type), prefixed with `muc/` for stanzas to the conference component.
   */
  on(key: string, handler: StanzaHandler): this {
    this.stanzas.set(key, handler);
    return this;
  }

  async dispatch(ctx: XmppContext, stanza: XmlElement): Promise<void> {
    try {
      if (stanza.name === 'iq') return await this.dispatchIq(ctx, stanza);
      const type = stanza.attrs.type ?? (stanza.name === 'presence' ? 'available' : 'normal');
      const handler = this.stanzas.get(`${scopeOf(ctx, stanza)}${stanza.name}/${type}`);
      if (handler) await handler(ctx, stanza);
    } catch (error) {
      if (stanza.attrs.type === 'error') return; // never answer an error with an error
      const stanzaError = toStanzaError(error);
      if (!stanzaError) throw error;
      ctx.send(errorStanza(stanza, stanzaError));
    }
  }

  private async dispatchIq(ctx: XmppContext, iq: XmlElement): Promise<void> {
    const type = iq.attrs.type;
    if (type === 'result' || type === 'error') return;
    const payloads = children(iq);
    const payload = payloads[0];
    if ((type !== 'get' && type !== 'set') || !payload || payloads.length !== 1 || !iq.attrs.id) {
      throw new StanzaError('bad-request', 'modify');
    }
    const handler = this.iq.get(`${scopeOf(ctx, iq)}${type}/${payload.xmlns}`);
    if (!handler) throw new StanzaError('service-unavailable');
    const result = await handler(ctx, iq, payload);
    ctx.send(
      el('iq', { type: 'result', id: iq.attrs.id, to: ctx.fullJid, from: iq.attrs.to }, ...(result ? [result] : [])),
    );
  }
}
