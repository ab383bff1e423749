import { describe, expect, it } from 'vitest';
import { highlightRanges, indexText, isSearchTerm, MAX_SEARCH_TERMS, parseSearchTerms, wordsOf } from './search-text';

describe('search text', () => {
  it('splits on anything but letters, digits and marks, and folds case but not diacritics', () => {
    expect(indexText('Hello, WORLD! x_y foo-bar 3.14 Résumé')).toBe('hello world x y foo bar 3 14 résumé');
    expect(indexText('日本語のテキスト')).toBe('日本語のテキスト');
    // Decomposed and composed forms index alike; a final sigma folds to sigma.
    expect(indexText('Re\u0301sume\u0301 ΣΟΦΟΣ σοφος')).toBe('résumé σοφοσ σοφοσ');
    expect(indexText('?!  ')).toBe('');
  });

  it('reports word positions in UTF-16 units of the original text', () => {
    expect(wordsOf('a 😀 bé').map((w) => [w.start, w.end, w.folded])).toEqual([
      [0, 1, 'a'],
      [5, 7, 'bé'],
    ]);
  });

  it('parses queries into distinct words, dropping terms that a longer one implies', () => {
    expect(parseSearchTerms('  Parley "PAR" parley  ships!')).toEqual(['parley', 'ships']);
    expect(parseSearchTerms('***')).toEqual([]);
    expect(parseSearchTerms('a1 b2 c3 d4 e5 f6 g7 h8 i9 j10')).toHaveLength(MAX_SEARCH_TERMS);
  });

  it('accepts as a term only one folded word', () => {
    expect(isSearchTerm('parley')).toBe(true);
    expect(isSearchTerm('Parley')).toBe(false);
    expect(isSearchTerm('two words')).toBe(false);
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
    expect(highlightRanges(text, ['ship', 'sits']).map(([s, e]) => text.slice(s, e))).toEqual(['ships', 'sits']);
    expect(highlightRanges(text, [])).toEqual([]);
  });
});
