import { describe, expect, it } from 'vitest';
import {
  balanceBidi,
  isolateText,
  checkName,
  checkText,
  codePointLabel,
  fileExtension,
  findRefusedInName,
  findRefusedInText,
  isBlank,
  normalizeName,
  repairName,
  repairText,
  truncateFileName,
  truncateText,
} from './text-rules';

describe('free text', () => {
  it('keeps tab, line feed, bidirectional controls, emoji and every script', () => {
    for (const text of [
      'a\tb\nc',
      'שלום \u202Eabc\u202C',
      '👩🏽‍💻 🇫🇷 🏴󠁧󠁢󠁳󠁣󠁴󠁿',
      'ça va\u00A0?',
      '\u007F\u0085 C1 and DEL are XML',
    ]) {
      expect(checkText(text)).toEqual({ ok: true, value: text });
    }
  });

  it('turns CR LF and a lone CR into LF', () => {
    expect(checkText('one\r\ntwo\rthree\n')).toEqual({ ok: true, value: 'one\ntwo\nthree\n' });
  });

  it.each([
    ['trap\u0001title', 4, 0x01, 'control'],
    ['\u0000', 0, 0x00, 'control'],
    ['a\u001Bb', 1, 0x1b, 'control'],
    ['x\u000Cy', 1, 0x0c, 'control'],
    ['ab\uD800c', 2, 0xd800, 'lone_surrogate'],
    ['ab\uDC00', 2, 0xdc00, 'lone_surrogate'],
    ['😀\uFFFE', 2, 0xfffe, 'noncharacter'],
    ['\uFFFF', 0, 0xffff, 'noncharacter'],
    ['\uFDD0', 0, 0xfdd0, 'noncharacter'],
    ['\u{1FFFF}', 0, 0x1ffff, 'noncharacter'],
  ])('refuses %j at %i (U+%s)', (text, index, codePoint, reason) => {
    expect(findRefusedInText(text)).toEqual({ index, codePoint, reason });
    expect(checkText(text).ok).toBe(false);
  });

  it('repairs stored text with U+FFFD, keeping word boundaries and line breaks', () => {
    expect(repairText('trap\u0001title\r\nnext\uD800\uFFFF')).toBe('trap\uFFFDtitle\nnext\uFFFD\uFFFD');
    expect(repairText('fine')).toBe('fine');
  });
});

describe('names', () => {
  it('refuses every control, line breaks and DEL/C1 included', () => {
    for (const [name, codePoint] of [
      ['a\tb', 0x09],
      ['a\nb', 0x0a],
      ['a\rb', 0x0d],
      ['a\u007Fb', 0x7f],
      ['a\u0085b', 0x85],
      ['trap\u0001title', 0x01],
    ] as const) {
      expect(findRefusedInName(name)?.codePoint).toBe(codePoint);
      expect(checkName(name).ok).toBe(false);
    }
  });

  it('normalizes to NFC', () => {
    expect(normalizeName('Cafe\u0301')).toBe('Café');
  });

  it('drops bidirectional controls anywhere', () => {
    expect(normalizeName('holiday\u202Egnp.exe')).toBe('holidaygnp.exe');
    expect(normalizeName('\u2067alice\u2069 \u200Fbob\u061C')).toBe('alice bob');
  });

  it('drops zero-width padding at both ends and invisible formatting inside', () => {
    expect(normalizeName('\u200B\u200Balice\u200B\uFEFF')).toBe('alice');
    expect(normalizeName('\u00A0\u3000alice \u2060')).toBe('alice');
    expect(normalizeName('ali\u00ADce\u2060')).toBe('alice');
    expect(normalizeName('\u200Dalice\u200D')).toBe('alice');
  });

  it('keeps what shapes its neighbours: ZWNJ and ZWJ inside, emoji presentation, flags', () => {
    expect(normalizeName('می\u200Cخواهم')).toBe('می\u200Cخواهم');
    expect(normalizeName('family 👨\u200D👩\u200D👧')).toBe('family 👨\u200D👩\u200D👧');
    expect(normalizeName('love ❤\uFE0F')).toBe('love ❤\uFE0F');
    expect(normalizeName('go 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}')).toBe(
      'go 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
    );
    expect(normalizeName('alice\uFE0F')).toBe('alice');
  });

  it('makes a name of invisible characters blank', () => {
    for (const name of ['', '   ', '\u200B', '\u3164\u3164', '\u2800', '\u202E\u200F', '\uFE0F\u200D', '\u115F']) {
      expect(isBlank(name)).toBe(true);
      expect(normalizeName(name)).toBe('');
    }
    expect(isBlank('a')).toBe(false);
    expect(isBlank('❤\uFE0F')).toBe(false);
  });

  it('repairs a stored name: refused characters dropped, then normalized', () => {
    expect(repairName('trap\u0001title\u202E\n')).toBe('traptitle');
    expect(repairName('\u0001\u200B')).toBe('');
  });
});

describe('lengths and extensions', () => {
  it('truncates without cutting a character or a grapheme', () => {
    expect(truncateText('ab😀', 3)).toBe('ab');
    expect(truncateText('a👨\u200D👩\u200D👧b', 6)).toBe('a');
    expect(truncateText('é'.normalize('NFD').repeat(3), 3)).toBe('e\u0301');
    expect(truncateText('short', 10)).toBe('short');
  });

  it('keeps the extension of a long file name', () => {
    const cut = truncateFileName(`${'a'.repeat(300)}.exe`, 255);
    expect(cut).toHaveLength(255);
    expect(cut.endsWith('.exe')).toBe(true);
    expect(truncateFileName('x'.repeat(300), 255)).toHaveLength(255);
  });

  it('finds the real extension after normalization', () => {
    expect(fileExtension('holiday\u202Egnp.exe')).toBe('exe');
    expect(fileExtension('Report.final.PDF')).toBe('pdf');
    expect(fileExtension('photo.png\u200B')).toBe('png');
    expect(fileExtension('README')).toBeNull();
    expect(fileExtension('.bashrc')).toBeNull();
    expect(fileExtension('trailing.')).toBeNull();
  });

  it('labels code points as people write them', () => {
    expect(codePointLabel(1)).toBe('U+0001');
    expect(codePointLabel(0x1f600)).toBe('U+1F600');
  });
});

describe('bidi isolation', () => {
  it('neutralizes a PDI that would close the surrounding isolate, and closes isolates left open', () => {
    expect(balanceBidi('\u2069\u202Egnp.exe')).toBe('\u2060\u202Egnp.exe');
    expect(balanceBidi('a\u2067b')).toBe('a\u2067b\u2069');
    expect(balanceBidi('\u2068x\u2069\u2069y')).toBe('\u2068x\u2069\u2060y');
    expect(balanceBidi('plain \u202Etext')).toBe('plain \u202Etext');
  });

  it('wraps plain text in FSI ... PDI', () => {
    expect(isolateText('\u2069\u202Eevil')).toBe('\u2068\u2060\u202Eevil\u2069');
  });
});
