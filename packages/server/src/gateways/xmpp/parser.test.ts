/**
 * A quiet stream's parser is parked between stanzas (no saxes parser held) and revived by the
 * next write with the stream root's namespaces, its limits and its end unchanged.
 */
import { describe, expect, it } from 'vitest';
import { XmlStreamParser, type StreamErrorCondition } from './parser';
import type { XmlElement } from './xml';

const HEADER =
  "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

function open(maxStanzaChars = 1000) {
  const stanzas: XmlElement[] = [];
  const errors: StreamErrorCondition[] = [];
  let opened = 0;
  let closed = 0;
  const parser = new XmlStreamParser(
    'stream',
    { maxStanzaChars, maxDepth: 10, maxAttributes: 10 },
    {
      streamOpen: () => opened++,
      stanza: (element) => stanzas.push(element),
      streamClose: () => closed++,
      error: (condition) => errors.push(condition),
    },
  );
  return { parser, stanzas, errors, opened: () => opened, closed: () => closed };
}

/** Two calls without a write in between: the first after activity only notes the quiet. */
const parkQuiet = (parser: XmlStreamParser) => parser.park() || parser.park();

describe('XmlStreamParser.park', () => {
  it('parks between stanzas and parses the next ones in the root namespaces, once', () => {
    const s = open();
    s.parser.write(`${HEADER}<presence/>\n`);
    expect(s.parser.park()).toBe(false); // written to since the last call
    expect(s.parser.park()).toBe(true);
    s.parser.write("<message to='a@localhost'><body>one</body></message>");
    s.parser.write("<stream:error><x xmlns='urn:test'/></stream:error>");
    expect(s.stanzas.map((e) => [e.name, e.xmlns])).toEqual([
      ['presence', 'jabber:client'],
      ['message', 'jabber:client'],
      ['error', 'http://etherx.jabber.org/streams'],
    ]);
    expect(s.stanzas[1]?.children[0]).toMatchObject({ name: 'body', xmlns: 'jabber:client', children: ['one'] });
    expect(s.opened()).toBe(1);
    expect(parkQuiet(s.parser)).toBe(true);
    s.parser.write('</stream:stream>');
    expect(s.closed()).toBe(1);
    expect(s.errors).toEqual([]);
  });

  it('does not park inside a stanza or before the stream opened', () => {
    const s = open();
    expect(parkQuiet(s.parser)).toBe(false);
    s.parser.write(`${HEADER}<message to='a@localhost'><body>h`);
    expect(parkQuiet(s.parser)).toBe(false);
    s.parser.write("i</body></message><message to='b@localhost'");
    expect(parkQuiet(s.parser)).toBe(false);
    s.parser.write('/>');
    expect(s.stanzas.map((e) => e.attrs.to)).toEqual(['a@localhost', 'b@localhost']);
    expect(s.stanzas[0]?.children[0]).toMatchObject({ children: ['hi'] });
    expect(parkQuiet(s.parser)).toBe(true);
  });

  it('keeps counting stanza sizes and reporting bad XML after a revival', () => {
    const s = open(100);
    s.parser.write(`${HEADER}<presence/>`);
    expect(parkQuiet(s.parser)).toBe(true);
    s.parser.write(`<message><body>${'a'.repeat(60)}</body></message>`);
    expect(s.errors).toEqual([]);
    expect(parkQuiet(s.parser)).toBe(true);
    // Counted from the last stanza's end, at the end of each write, as before parking existed.
    s.parser.write(`<message><body>${'a'.repeat(70)}`);
    expect(s.errors).toEqual([]);
    s.parser.write('a'.repeat(20));
    expect(s.errors).toEqual(['policy-violation']);

    const t = open();
    t.parser.write(`${HEADER}<presence/>`);
    expect(parkQuiet(t.parser)).toBe(true);
    t.parser.write('<message></presence>');
    expect(t.errors).toEqual(['not-well-formed']);
  });
});
