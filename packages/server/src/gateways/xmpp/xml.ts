/**
 * The XML element model of the XMPP gateway: what the parser produces and what
 * handlers build, plus the one serializer. Elements carry their namespace; the
 * serializer declares it only where it differs from the parent's, so a stanza
 * written into a `jabber:client` stream carries no redundant xmlns. Nothing here
 * parses: parser.ts does, with the hardening.
 */

export interface XmlElement {
  /** Local name, without a prefix. */
  name: string;
  /** Namespace URI; '' (built elements only) means "the parent's". */
  xmlns: string;
  /** Attributes by their written name (`to`, `xml:lang`), namespace declarations excluded. */
  attrs: Record<string, string>;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

export const NS = {
  client: 'jabber:client',
  stream: 'http://etherx.jabber.org/streams',
  streams: 'urn:ietf:params:xml:ns:xmpp-streams',
  stanzas: 'urn:ietf:params:xml:ns:xmpp-stanzas',
  tls: 'urn:ietf:params:xml:ns:xmpp-tls',
  sasl: 'urn:ietf:params:xml:ns:xmpp-sasl',
  bind: 'urn:ietf:params:xml:ns:xmpp-bind',
  session: 'urn:ietf:params:xml:ns:xmpp-session',
  framing: 'urn:ietf:params:xml:ns:xmpp-framing',
} as const;

/** Builds an element; `xmlns` in attrs sets its namespace (default: the parent's). */
export function el(name: string, attrs: Record<string, string | undefined> = {}, ...children: XmlNode[]): XmlElement {
  const { xmlns, ...rest } = attrs;
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) clean[k] = v;
  return { name, xmlns: xmlns ?? '', attrs: clean, children };
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** `parentNs` is the namespace in scope; a built top-level stanza without one is jabber:client. */
export function serialize(element: XmlElement, parentNs: string = NS.client): string {
  const xmlns = element.xmlns || parentNs || NS.client;
  let out = `<${element.name}`;
  if (xmlns !== parentNs) out += ` xmlns="${escapeAttr(xmlns)}"`;
  for (const [k, v] of Object.entries(element.attrs)) out += ` ${k}="${escapeAttr(v)}"`;
  if (element.children.length === 0) return `${out}/>`;
  out += '>';
  for (const child of element.children) {
    out += typeof child === 'string' ? escapeText(child) : serialize(child, xmlns);
  }
  return `${out}</${element.name}>`;
}

/** The first child element with this name (and namespace, when given). */
export function child(element: XmlElement, name: string, xmlns?: string): XmlElement | undefined {
  for (const c of element.children) {
    if (typeof c !== 'string' && c.name === name && (xmlns === undefined || c.xmlns === xmlns)) return c;
  }
  return undefined;
}

export function children(element: XmlElement): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** Concatenated text of the element's direct text children. */
export function text(element: XmlElement | undefined): string {
  if (!element) return '';
  return element.children.filter((c): c is string => typeof c === 'string').join('');
}

export function childText(element: XmlElement, name: string, xmlns?: string): string | undefined {
  const c = child(element, name, xmlns);
  return c ? text(c) : undefined;
}
