/**
 * The stream-level framing of RFC 6120 (TCP) and RFC 7395 (WebSocket): the header
 * that opens a stream, stream-level elements (features, errors) with their
 * `stream:` prefix, the close, the header checks and the features offered at each
 * step. Strings only: the session writes them.
 */
import type { StreamErrorCondition } from './parser';
import { NS_REGISTER_FEATURE } from './handlers/register';
import { NS_SM } from './stream-management';
import { mechanismsFor } from './sasl';
import type { Transport } from './transport';
import { el, escapeAttr, NS, serialize, type XmlElement } from './xml';

export type TransportKind = Transport['kind'];

export function streamHeader(kind: TransportKind, rawDomain: string, rawStreamId: string): string {
  const domain = escapeAttr(rawDomain);
  const streamId = escapeAttr(rawStreamId);
  if (kind === 'websocket') {
    return `<open xmlns="${NS.framing}" from="${domain}" id="${streamId}" version="1.0" xml:lang="en"/>`;
  }
  return `<?xml version='1.0'?><stream:stream xmlns="${NS.client}" xmlns:stream="${NS.stream}" from="${domain}" id="${streamId}" version="1.0" xml:lang="en">`;
}

/** Stream-level elements carry the `stream:` prefix, declared by the header on TCP. */
export function streamElement(kind: TransportKind, name: string, content: readonly XmlElement[]): string {
  const decl = kind === 'websocket' ? ` xmlns:stream="${NS.stream}"` : '';
  return `<stream:${name}${decl}>${content.map((c) => serialize(c, '')).join('')}</stream:${name}>`;
}

export function streamClose(kind: TransportKind): string {
  return kind === 'websocket' ? `<close xmlns="${NS.framing}"/>` : '</stream:stream>';
}

/** RFC 6120 4.7: what is wrong with a stream header, or null. */
export function headerProblem(
  attrs: Record<string, string>,
  domain: string,
): { condition: StreamErrorCondition; message: string } | null {
  if (attrs.to !== undefined && attrs.to.toLowerCase() !== domain) {
    return { condition: 'host-unknown', message: `this server serves ${domain}` };
  }
  if (attrs.version !== undefined && !/^1\.\d+$/.test(attrs.version)) {
    return { condition: 'unsupported-version', message: 'XMPP 1.0 only' };
  }
  return null;
}

/**
 * The features of each step: STARTTLS, then SASL (and XEP-0077 registration when self
 * sign-up is open and a password may travel: where PLAIN is offered), then bind (with
 * session, roster versioning and XEP-0198).
 */
export function streamFeatures(
  authenticated: boolean,
  transport: Pick<Transport, 'canStartTls' | 'secure'>,
  registrationOpen = false,
): XmlElement[] {
  const features: XmlElement[] = [];
  if (!authenticated) {
    if (transport.canStartTls) features.push(el('starttls', { xmlns: NS.tls }, el('required')));
    else {
      const mechanisms = mechanismsFor(transport.secure).map((m) => el('mechanism', {}, m));
      features.push(el('mechanisms', { xmlns: NS.sasl }, ...mechanisms));
      if (registrationOpen && transport.secure) features.push(el('register', { xmlns: NS_REGISTER_FEATURE }));
    }
  } else {
    features.push(el('bind', { xmlns: NS.bind }));
    // RFC 6121 legacy session establishment, marked optional (RFC 3921bis).
    features.push(el('session', { xmlns: NS.session }, el('optional')));
    features.push(el('ver', { xmlns: 'urn:xmpp:features:rosterver' }));
    features.push(el('sm', { xmlns: NS_SM }));
  }
  return features;
}
