import type { MessageContent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import {
  highlightRanges,
  indexText,
  isSearchTerm,
  MAX_SEARCH_TERMS,
  parseSearchTerms,
  searchableText,
  tokensOf,
} from './search-text';

/** What the store does with the terms: each must begin a token of the text. */
function matches(text: string, query: string): boolean {
  const tokens = indexText(text).split(' ');
  const terms = parseSearchTerms(query);
  return terms.length > 0 && terms.every((term) => tokens.some((token) => token.startsWith(term)));
}

/** The highlighted parts of the text, as strings. */
function marked(text: string, query: string): string[] {
  return highlightRanges(text, parseSearchTerms(query)).map(([start, end]) => text.slice(start, end));
}

describe('search text', () => {
  it('splits on anything but letters, digits and marks, and folds case and diacritics', () => {
    expect(indexText('Hello, WORLD! x_y foo-bar 3.14 Résumé')).toBe('hello world x y foo bar 3 14 resume');
    expect(indexText('Re\u0301sume\u0301 ΣΟΦΟΣ σοφος Überprüfung Straße')).toBe(
      'resume σοφοσ σοφοσ uberprufung strasse',
    );
    expect(indexText('?!  🎉')).toBe('');
  });

  it('indexes scripts without spaces as pairs of characters and the last one alone', () => {
    expect(indexText('我们明天去北京吃烤鸭')).toBe('我们 们明 明天 天去 去北 北京 京吃 吃烤 烤鸭 鸭');
    expect(indexText('東京タワーに行きました')).toBe('東京 京タ タワ ワー ーに に行 行き きま まし した た');
    // A Thai character is a consonant with its vowel signs and tone marks.
    expect(indexText('ข้าวผัด')).toBe('ข้า าว วผั ผัด ด');
    // Runs stop at another script, a digit, a space or punctuation.
    expect(indexText('iPhone用の2台')).toBe('iphone 用の の 2 台');
    expect(indexText('北京。上海')).toBe('北京 京 上海 海');
    expect(indexText('日本語のテキスト')).toBe('日本 本語 語の のテ テキ キス スト ト');
  });

  it('reports token positions in UTF-16 units of the original text', () => {
    expect(tokensOf('a 😀 Bé 北京').map((token) => [token.start, token.end, token.text])).toEqual([
      [0, 1, 'a'],
      [5, 7, 'be'],
      [8, 10, '北京'],
      [9, 10, '京'],
    ]);
  });

  it('finds the examples of issue 10', () => {
    expect(matches('我们明天去北京吃烤鸭', '北京')).toBe(true);
    expect(matches('東京タワーに行きました', 'タワー')).toBe(true);
    expect(matches('Überprüfung', 'uberprufung')).toBe(true);
  });

  it('matches a run without spaces wherever its characters occur in that order, one character anywhere', () => {
    const text = '我们明天去北京吃烤鸭';
    for (const query of ['北京', '北京吃', '京', '鸭', '我', '吃烤鸭', '我们明天去北京吃烤鸭']) {
      expect(matches(text, query), query).toBe(true);
    }
    for (const query of ['北京烤鸭', '上海', '京北', '鸭子']) expect(matches(text, query), query).toBe(false);
    expect(matches('ฉันจะไปกรุงเทพพรุ่งนี้', 'กรุงเทพ')).toBe(true);
    expect(matches('ฉันจะไปกรุงเทพพรุ่งนี้', 'พรุ่งนี้')).toBe(true);
    expect(matches('ฉันจะไปกรุงเทพพรุ่งนี้', 'เชียงใหม่')).toBe(false);
    // Half-width kana find full-width kana, and back.
    expect(matches('東京タワー', 'ﾀﾜｰ')).toBe(true);
    expect(matches('ﾀﾜｰに行く', 'タワー')).toBe(true);
  });

  it('still matches every word prefix that matched before', () => {
    const text = 'Parley ships; the PARLIAMENT sits. résumé 日本語のテキスト iPhone用 ข้าวผัด';
    for (const query of ['parl', 'PARLIAMENT', 'ship', 'résumé', 'r', '日本', '日本語の', 'iphone', 'iphone用', 'ข้า']) {
      expect(matches(text, query), query).toBe(true);
    }
    // A term still has to begin a word of a spaced script.
    expect(matches(text, 'arley')).toBe(false);
    expect(matches(text, 'phone')).toBe(false);
  });

  it('folds diacritics on both sides', () => {
    expect(matches('Résumé', 'resume')).toBe(true);
    expect(matches('resume', 'résumé')).toBe(true);
    expect(matches('Tiếng Việt', 'tieng viet')).toBe(true);
    expect(matches('Đà Nẵng', 'da nang')).toBe(true);
    expect(matches('Straße', 'strasse')).toBe(true);
    expect(matches('strasse', 'Straße')).toBe(true);
    expect(matches('Ærøskøbing', 'aeroskobing')).toBe(true);
    expect(matches('Łódź', 'lodz')).toBe(true);
    expect(matches('Ça va, garçon', 'garcon')).toBe(true);
  });

  it('parses queries into distinct terms, dropping terms that a longer one implies', () => {
    expect(parseSearchTerms('  Parley "PAR" parley  ships!')).toEqual(['parley', 'ships']);
    expect(parseSearchTerms('***')).toEqual([]);
    expect(parseSearchTerms('a1 b2 c3 d4 e5 f6 g7 h8 i9 j10')).toHaveLength(MAX_SEARCH_TERMS);
    expect(parseSearchTerms('タワー')).toEqual(['タワ', 'ワー']);
    expect(parseSearchTerms('北 北京')).toEqual(['北京']);
    // A run without spaces is one word of the eight, whatever its length.
    expect(parseSearchTerms('a b c d e f g 我们明天去北京吃烤鸭 z')).toEqual([
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      ...['我们', '们明', '明天', '天去', '去北', '北京', '京吃', '吃烤', '烤鸭'],
    ]);
  });

  it('accepts as a term only one folded word, one character or one pair', () => {
    expect(isSearchTerm('parley')).toBe(true);
    expect(isSearchTerm('北京')).toBe(true);
    expect(isSearchTerm('北')).toBe(true);
    expect(isSearchTerm('Parley')).toBe(false);
    expect(isSearchTerm('résumé')).toBe(false);
    expect(isSearchTerm('北京烤')).toBe(false);
    expect(isSearchTerm('two words')).toBe(false);
    expect(isSearchTerm('a北')).toBe(false);
    expect(isSearchTerm('"')).toBe(false);
    expect(isSearchTerm('')).toBe(false);
  });

  it('highlights the whole words that start with a term', () => {
    const text = 'Parley ships; the PARLIAMENT sits. parley!';
    expect(highlightRanges(text, ['parl'])).toEqual([
      [0, 6],
      [18, 28],
      [35, 41],
    ]);
    expect(marked(text, 'ship sits')).toEqual(['ships', 'sits']);
    expect(highlightRanges(text, [])).toEqual([]);
    expect(marked('Die Überprüfung läuft.', 'uberpruf')).toEqual(['Überprüfung']);
  });

  it('highlights in a run without spaces exactly the characters found', () => {
    expect(marked('我们明天去北京吃烤鸭', '北京')).toEqual(['北京']);
    expect(marked('東京タワーに行きました', 'タワー')).toEqual(['タワー']);
    expect(marked('鸭子和鸭', '鸭')).toEqual(['鸭', '鸭']);
    expect(marked('北京烤鸭很好吃', '北京烤鸭')).toEqual(['北京烤鸭']);
    expect(marked('ฉันจะไปกรุงเทพพรุ่งนี้', 'กรุงเทพ')).toEqual(['กรุงเทพ']);
    expect(marked('東京タワー and Tokyo', 'タワー tokyo')).toEqual(['タワー', 'Tokyo']);
    const text = '🎉 ﾀﾜｰに行く 🍣';
    expect(highlightRanges(text, parseSearchTerms('タワー'))).toEqual([[3, 6]]);
  });

  it('says what a message offers to search: text, or a file caption', () => {
    expect(searchableText({ type: 'text', text: 'hi' })).toBe('hi');
    const file: MessageContent = {
      type: 'file',
      fileId: 'f_1',
      name: 'cat.png',
      size: 1,
      mime: 'image/png',
      kind: 'image',
    };
    expect(searchableText({ ...file, caption: 'a cat' })).toBe('a cat');
    expect(searchableText({ ...file, caption: '  ' })).toBeUndefined();
    expect(searchableText(file)).toBeUndefined();
    expect(searchableText({ type: 'deleted' })).toBeUndefined();
  });
});
