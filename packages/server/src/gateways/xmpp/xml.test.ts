/**
 * The serializer writes XML 1.0 whatever its strings hold: every output is parsed
 * back with saxes (strict, namespace-aware), the parser XMPP clients' own parsers
 * agree with on what is well-formed.
 */
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { el, serialize } from './xml';

/** Parses one element; returns its text and attributes, or throws on any well-formedness error. */
function parse(xml: string): { text: string; attrs: Record<string, string> } {
  const parser = new SaxesParser({ xmlns: true });
  let text = '';
  let attrs: Record<string, string> = {};
  let error: Error | undefined;
  parser.on('error', (e) => (error ??= e));
  parser.on('text', (t) => (text += t));
  parser.on('opentag', (tag) => {
    if (tag.local === 'body') attrs = Object.fromEntries(Object.values(tag.attributes).map((a) => [a.name, a.value]));
  });
  parser.write(xml).close();
  if (error) throw error;
  return { text, attrs };
}

const everyC0 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');

describe('serialize', () => {
  it('never writes a character XML 1.0 forbids, in text or attributes', () => {
    const bad = `trap${everyC0}\uD800x\uDC00\uFFFE\uFFFF😀end`;
    const xml = serialize(el('message', { to: 'a@b' }, el('body', { note: bad }, bad)));
    const { text, attrs } = parse(xml);
    const expected = `trap${'\uFFFD'.repeat(9)}\t\n\uFFFD\uFFFD\r${'\uFFFD'.repeat(18)}\uFFFDx\uFFFD\uFFFD\uFFFD😀end`;
    expect(text).toBe(expected);
    expect(attrs.note).toBe(expected);
  });

  it('keeps what XML can carry exactly as it was: CR, tab and LF, bidi controls, emoji, markup characters', () => {
    const fine = `a\r\nb\tc\n\u202Edir\u202C <&>"' 👩🏽‍💻 \u0085\u007F`;
    const { text, attrs } = parse(serialize(el('body', { note: fine }, fine)));
    expect(text).toBe(fine);
    expect(attrs.note).toBe(fine);
  });

  it('leaves plain text as it is', () => {
    expect(serialize(el('body', {}, 'hello'))).toBe('<body>hello</body>');
  });
});
