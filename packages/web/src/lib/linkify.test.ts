import { describe, expect, it } from 'vitest';
import { linkify, safeHref } from './linkify';

const links = (text: string) => linkify(text).filter((s) => s.kind === 'link');

describe('linkify', () => {
  it('keeps the text intact, links or not', () => {
    for (const text of ['hello', 'see https://example.com/a?b=1#c, ok?', 'x <img src=x onerror=alert(1)> y', '']) {
      expect(
        linkify(text)
          .map((s) => s.text)
          .join(''),
      ).toBe(text);
    }
  });

  it('links http, https, www and e-mail addresses', () => {
    expect(links('go to https://example.com/path.')).toEqual([
      { kind: 'link', text: 'https://example.com/path', href: 'https://example.com/path' },
    ]);
    expect(links('(see http://example.com/x)')[0]?.text).toBe('http://example.com/x');
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar)')[0]?.text).toBe('https://en.wikipedia.org/wiki/Foo_(bar)');
    expect(links('www.example.org')[0]?.href).toBe('https://www.example.org/');
    expect(links('mail bob@example.com now')[0]?.href).toBe('mailto:bob@example.com');
    expect(links('mailto:ann@example.com')[0]?.href).toBe('mailto:ann@example.com');
  });

  it('never links script or data URLs', () => {
    for (const text of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      '[x](javascript:alert(1))',
      'https://',
    ]) {
      expect(links(text)).toEqual([]);
    }
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
  });

  it('does not let a link swallow quotes or angle brackets', () => {
    expect(links('"https://a.example/"onmouseover="x"')[0]?.text).toBe('https://a.example/');
    expect(links('<https://a.example/>')[0]?.text).toBe('https://a.example/');
  });
});
