/**
 * What may come before a resource is bound (RFC 6120 5-7, XEP-0198 5), in order:
 * STARTTLS (required on TCP: anything else before it is a policy violation), SASL
 * (or first a XEP-0077 in-band registration IQ), then either a XEP-0198 `<resume/>`
 * of a dropped session or the bind request.
 * Anything else is refused with `not-authorized`. The steps themselves are the
 * session's; this decides which one an element is.
 */
import type { StreamErrorCondition } from './parser';
import { NS_REGISTER } from './handlers/register';
import { NS_SM } from './stream-management';
import type { Transport } from './transport';
import { child, NS, type XmlElement } from './xml';

export interface Negotiating {
  readonly transport: Pick<Transport, 'canStartTls' | 'write' | 'startTls'>;
  readonly authenticated: boolean;
  /** RFC 6120 4.3.3: a new stream after TLS and after SASL. */
  restart(): void;
  sasl(element: XmlElement): Promise<void>;
  /** XEP-0077: a `jabber:iq:register` IQ before authentication. */
  register(iq: XmlElement, query: XmlElement): Promise<void>;
  resume(element: XmlElement): Promise<void>;
  bind(iq: XmlElement): void;
  streamError(condition: StreamErrorCondition, message: string): void;
}

export async function negotiate(session: Negotiating, element: XmlElement): Promise<void> {
  const { transport } = session;
  if (element.xmlns === NS.tls && element.name === 'starttls' && transport.canStartTls) {
    transport.write(`<proceed xmlns="${NS.tls}"/>`);
    await transport.startTls();
    session.restart();
    return;
  }
  const isStanza = element.xmlns === NS.client && ['message', 'presence', 'iq'].includes(element.name);
  if (transport.canStartTls && !isStanza) {
    session.streamError('policy-violation', 'STARTTLS is required');
    return;
  }
  const registration = element.name === 'iq' && isStanza ? child(element, 'query', NS_REGISTER) : undefined;
  if (registration && !session.authenticated) {
    await session.register(element, registration);
    return;
  }
  if (element.xmlns === NS.sasl && !session.authenticated) {
    await session.sasl(element);
    return;
  }
  if (session.authenticated && element.xmlns === NS_SM && element.name === 'resume') return session.resume(element);
  if (session.authenticated && element.name === 'iq' && child(element, 'bind', NS.bind)) {
    session.bind(element);
    return;
  }
  session.streamError('not-authorized', 'authenticate and bind a resource first');
}
