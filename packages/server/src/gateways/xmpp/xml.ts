/**
 * The XML element model of the XMPP gateway: what the parser produces and what
 * handlers build, plus the one serializer. Elements carry their namespace; the
 * serializer declares it only where it differs from the parent's, so a stanza
 * written into a `jabber:client` stream carries no redundant xmlns. Nothing here
 * parses: parser.ts does, with the hardening. The serializer writes well-formed
 * XML 1.0 whatever the strings it is given hold (xmlSafe).
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

/**
 * What XML 1.0 cannot carry at all (section 2.2, Char): C0 controls other than tab,
 * line feed and carriage return, lone surrogates, U+FFFE and U+FFFF. One such
 * character ends the stream of every client that reads it, so none is ever written,
 * whatever the store holds (text stored before the text rules, a bug elsewhere):
 * each becomes U+FFFD. The services refuse them at input; this is the last wall.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces every character XML 1.0 forbids with U+FFFD. */
export function xmlSafe(s: string): string {
  return s.replace(NOT_XML, '\uFFFD');
}

/** Anything escapeText may have to change (valid surrogate pairs too: the slow path keeps them). */
// eslint-disable-next-line no-control-regex -- as above
const TEXT_SPECIAL = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex -- as above
const ATTR_SPECIAL = /[&<>\r"'\t\n\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const REFERENCES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A parser turns a raw CR into LF (XML 1.0 2.11) and, in an attribute, tab and LF
  // into spaces (3.3.3): written as references they come back as they were.
  '\r': '&#xD;',
  '\t': '&#x9;',
  '\n': '&#xA;',
};
const reference = (ch: string) => REFERENCES[ch] ?? ch;

/** Text content: escaped, and valid XML whatever the string holds. */
export function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return xmlSafe(s).replace(/[&<>\r]/g, reference);
}

/** An attribute value: escaped, and valid XML whatever the string holds. */
export function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return xmlSafe(s).replace(/[&<>"'\r\t\n]/g, reference);
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
