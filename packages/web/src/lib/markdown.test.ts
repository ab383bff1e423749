import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, plainText } from './markdown';

describe('markdown subset', () => {
  it('parses bold, italic, strike and inline code', () => {
    expect(parseInline('a **b** _c_ *d* ~~e~~ `f*g*`')).toEqual([
      { t: 'text', text: 'a ' },
      { t: 'bold', children: [{ t: 'text', text: 'b' }] },
      { t: 'text', text: ' ' },
      { t: 'italic', children: [{ t: 'text', text: 'c' }] },
      { t: 'text', text: ' ' },
      { t: 'italic', children: [{ t: 'text', text: 'd' }] },
      { t: 'text', text: ' ' },
      { t: 'strike', children: [{ t: 'text', text: 'e' }] },
      { t: 'text', text: ' ' },
      { t: 'code', text: 'f*g*' },
    ]);
  });

  it('leaves unpaired markers and snake_case words alone', () => {
    expect(parseInline('2 * 3 = 6, snake_case_name and **open')).toEqual([
      { t: 'text', text: '2 * 3 = 6, snake_case_name and **open' },
    ]);
  });

  it('opens no emphasis right after a backslash (the shrug stays whole)', () => {
    expect(parseInline('who knows ¯\\_(ツ)_/¯')).toEqual([{ t: 'text', text: 'who knows ¯\\_(ツ)_/¯' }]);
    expect(parseInline('_(ツ)_')).toEqual([{ t: 'italic', children: [{ t: 'text', text: '(ツ)' }] }]);
  });

  it('nests emphasis and keeps links whole (underscores in URLs are not italics)', () => {
    expect(parseInline('**see https://x.example/a_b_c**')).toEqual([
      {
        t: 'bold',
        children: [
          { t: 'text', text: 'see ' },
          { t: 'link', text: 'https://x.example/a_b_c', href: 'https://x.example/a_b_c' },
        ],
      },
    ]);
  });

  it('never makes links of unsafe schemes', () => {
    expect(parseInline('[x](javascript:alert(1)) javascript:alert(1)').every((n) => n.t === 'text')).toBe(true);
  });

  it('splits mentions and converts shortcodes outside code', () => {
    expect(parseInline('hi @bob.smith, :tada: `:tada:` a@b')).toEqual([
      { t: 'text', text: 'hi ' },
      { t: 'mention', username: 'bob.smith' },
      { t: 'text', text: ', 🎉 ' },
      { t: 'code', text: ':tada:' },
      { t: 'text', text: ' a@b' },
    ]);
  });

  it('parses fenced code blocks verbatim and block quotes', () => {
    expect(parseMarkdown('intro\n```ts\nconst a = **1**;\n```\n> quoted *x*\n> more\nafter')).toEqual([
      { t: 'para', children: [{ t: 'text', text: 'intro' }] },
      { t: 'code', text: 'const a = **1**;' },
      {
        t: 'quote',
        children: [
          {
            t: 'para',
            children: [
              { t: 'text', text: 'quoted ' },
              { t: 'italic', children: [{ t: 'text', text: 'x' }] },
              { t: 'text', text: '\nmore' },
            ],
          },
        ],
      },
      { t: 'para', children: [{ t: 'text', text: 'after' }] },
    ]);
  });

  it('keeps an unclosed fence as text and HTML as text', () => {
    expect(parseMarkdown('```\n<img src=x onerror=alert(1)>')).toEqual([
      { t: 'para', children: [{ t: 'text', text: '```\n<img src=x onerror=alert(1)>' }] },
    ]);
  });

  it('gives the plain text for previews', () => {
    expect(plainText('**bold** and `code` :fire:')).toBe('bold and code 🔥');
  });
});
