/**
 * The hardened streaming XML parser of the XMPP gateway (saxes, namespace-aware).
 * It owns what RFC 6120 section 11 calls restricted XML: a DOCTYPE (and so any
 * entity declaration: billion laughs never expands), comments and processing
 * instructions are refused with `restricted-xml`; anything not well-formed with
 * `not-well-formed`. It bounds what one peer can make us hold: characters since
 * the last complete stanza, element depth and attributes per element, each past
 * its limit giving `policy-violation`. After the first error it ignores all
 * input: the session sends the stream error and closes.
 *
 * Two modes: `stream` (TCP: one `<stream:stream>` root, stanzas at depth 1) and
 * `frames` (RFC 7395 WebSocket: every message is one complete top-level element).
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { XmlElement } from './xml';

export interface ParserLimits {
  /** Characters buffered since the last complete stanza. */
  maxStanzaChars: number;
  maxDepth: number;
  maxAttributes: number;
}

export type StreamErrorCondition =
  | 'not-well-formed'
  | 'restricted-xml'
  | 'policy-violation'
  | 'invalid-namespace'
  | 'bad-format'
  | 'not-authorized'
  | 'unsupported-stanza-type'
  | 'host-unknown'
  | 'unsupported-version'
  | 'connection-timeout'
  | 'system-shutdown'
  | 'conflict'
  | 'internal-server-error'
  | 'unsupported-encoding'
  | 'undefined-condition';

export interface ParserEvents {
  streamOpen(attrs: Record<string, string>, element: { name: string; xmlns: string }): void;
  stanza(element: XmlElement): void;
  streamClose(): void;
  error(condition: StreamErrorCondition, text: string): void;
}

/** Thrown inside saxes callbacks to abort the current write; never escapes write(). */
class Abort extends Error {}

const PIECE = 4096;

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;');

export class XmlStreamParser {
  /** Undefined while parked (see park()). */
  private parser: SaxesParser<{ xmlns: true; position: true }> | undefined;
  private readonly stack: XmlElement[] = [];
  private depth = 0;
  private fed = 0;
  private boundary = 0;
  private failed = false;
  /** Depth at which stanzas sit: 1 under the stream root, 0 in WebSocket frames. */
  private readonly stanzaDepth: number;
  /** The stream root's tag with its namespace declarations, to start a parked stream's new parser. */
  private root: string | undefined;
  /** Characters of the stream before the current saxes parser's first one (its root tag excluded). */
  private base = 0;
  /** The last write ended on a stanza boundary, followed by whitespace at most. */
  private atBoundary = false;
  /** Written to since the last park() call. */
  private active = true;
  private priming = false;

  constructor(
    private readonly mode: 'stream' | 'frames',
    private readonly limits: ParserLimits,
    private readonly events: ParserEvents,
  ) {
    this.stanzaDepth = mode === 'stream' ? 1 : 0;
    this.parser = this.newSaxes();
  }

  private newSaxes(): SaxesParser<{ xmlns: true; position: true }> {
    const p = new SaxesParser({ xmlns: true, position: true, fragment: this.mode === 'frames' });
    p.on('error', (error) => this.fail('not-well-formed', error.message));
    p.on('doctype', () => this.fail('restricted-xml', 'DOCTYPE (and so entity declarations) is not allowed'));
    p.on('comment', () => this.fail('restricted-xml', 'comments are not allowed'));
    p.on('processinginstruction', () => this.fail('restricted-xml', 'processing instructions are not allowed'));
    p.on('opentag', (tag) => this.onOpen(tag));
    p.on('closetag', () => this.onClose());
    p.on('text', (t) => this.onText(t));
    p.on('cdata', (t) => this.onText(t));
    return p;
  }

  /**
   * Drops the saxes parser of a stream that received nothing since the previous call and stands
   * between two stanzas; the next write starts a new one with the stream root's namespace
   * declarations (nothing of the old parser's state matters there). A saxes parser with its
   * handlers holds about 4 KB, most of an idle XMPP session's JavaScript memory; the gateway
   * calls this for every stream every 30 s, so a busy stream never pays for a new parser.
   * Returns whether the parser is parked.
   */
  park(): boolean {
    const wasActive = this.active;
    this.active = false;
    if (this.parser === undefined) return true;
    if (wasActive || !this.atBoundary || this.root === undefined || this.failed) return false;
    this.parser = undefined;
    return true;
  }

  private revive(): SaxesParser<{ xmlns: true; position: true }> {
    const parser = this.newSaxes();
    const root = this.root ?? '';
    this.base = this.fed - root.length;
    this.depth = 0;
    this.priming = true;
    try {
      parser.write(root);
    } finally {
      this.priming = false;
    }
    this.parser = parser;
    return parser;
  }

  get hasFailed(): boolean {
    return this.failed;
  }

  /** Feeds decoded text; call with complete characters (the transport decodes bytes as strict UTF-8). */
  write(chunk: string): void {
    this.active = true;
    this.atBoundary = false;
    for (let i = 0; i < chunk.length && !this.failed; i += PIECE) {
      const piece = chunk.slice(i, i + PIECE);
      try {
        (this.parser ?? this.revive()).write(piece);
      } catch (error) {
        if (!(error instanceof Abort)) this.fail('not-well-formed', 'malformed XML');
        return;
      }
      this.fed += piece.length;
      if (this.fed - this.boundary > this.limits.maxStanzaChars) {
        this.report('policy-violation', `stanza larger than ${this.limits.maxStanzaChars} characters`);
      }
    }
    const since = this.fed - this.boundary;
    this.atBoundary =
      this.depth === this.stanzaDepth &&
      this.stack.length === 0 &&
      since <= chunk.length &&
      chunk.slice(chunk.length - since).trim() === '';
  }

  private get position(): number {
    return this.base + (this.parser?.position ?? 0);
  }

  private report(condition: StreamErrorCondition, text: string): void {
    if (this.failed) return;
    this.failed = true;
    this.events.error(condition, text);
  }

  /** Reports and aborts the saxes write in progress (only call from saxes callbacks). */
  private fail(condition: StreamErrorCondition, text: string): never {
    this.report(condition, text);
    throw new Abort(text);
  }

  private onOpen(tag: SaxesTagNS): void {
    this.depth += 1;
    if (this.depth > this.limits.maxDepth) this.fail('policy-violation', 'elements nested too deeply');
    const attrs: Record<string, string> = {};
    let count = 0;
    for (const attr of Object.values(tag.attributes)) {
      if (attr.prefix === 'xmlns' || attr.name === 'xmlns') continue;
      if (++count > this.limits.maxAttributes) this.fail('policy-violation', 'too many attributes');
      attrs[attr.name] = attr.value;
    }
    if (this.depth <= this.stanzaDepth) {
      // The stream root: only in `stream` mode.
      if (this.priming) return;
      this.root = `<${tag.name}${Object.entries(tag.ns)
        .map(([prefix, uri]) => ` ${prefix ? `xmlns:${prefix}` : 'xmlns'}='${escapeAttr(uri)}'`)
        .join('')}>`;
      this.events.streamOpen(attrs, { name: tag.local, xmlns: tag.uri });
      this.boundary = this.position;
      return;
    }
    const element: XmlElement = { name: tag.local, xmlns: tag.uri, attrs, children: [] };
    this.stack.at(-1)?.children.push(element);
    this.stack.push(element);
  }

  private onClose(): void {
    this.depth -= 1;
    if (this.depth < this.stanzaDepth) {
      this.events.streamClose();
      return;
    }
    const element = this.stack.pop();
    if (element && this.stack.length === 0) {
      this.boundary = this.position;
      this.events.stanza(element);
    }
  }

  private onText(t: string): void {
    const top = this.stack.at(-1);
    if (top) top.children.push(t);
    // Text between stanzas is whitespace keepalive; anything else is ignored too.
  }
}
