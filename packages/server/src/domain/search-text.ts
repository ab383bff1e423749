/**
 * What full-text search calls a word, in one place for both SQL dialects: the store
 * indexes `indexText(text)` (the words, folded, joined by spaces), the search
 * service parses queries with `parseSearchTerms` and computes highlights with
 * `highlightRanges`. Because SQLite FTS5 and PostgreSQL receive words that are
 * already split and folded, both find the same messages for the same terms.
 *
 * A word is a run of letters, digits, marks and private-use characters (FTS5's
 * unicode61 token characters); everything else separates words. Folding is NFC
 * then lower case (diacritics are kept: "résumé" is not "resume"), with the final
 * sigma folded to sigma. Pure: no I/O.
 */

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** Longer words are indexed and searched by their first MAX_WORD_LENGTH characters. */
export const MAX_WORD_LENGTH = 64;
/** A query keeps at most this many distinct terms (the rest are ignored). */
export const MAX_SEARCH_TERMS = 8;

export interface Word {
  /** [start, end) in UTF-16 units of the original text. */
  start: number;
  end: number;
  /** The folded word, at most MAX_WORD_LENGTH characters. */
  folded: string;
}

export function foldWord(word: string): string {
  const folded = word.normalize('NFC').toLowerCase().replaceAll('ς', 'σ');
  return folded.length > MAX_WORD_LENGTH ? folded.slice(0, MAX_WORD_LENGTH) : folded;
}

export function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(WORD)) {
    words.push({ start: match.index, end: match.index + match[0].length, folded: foldWord(match[0]) });
  }
  return words;
}

/**
 * True for a term the index can match: exactly one folded word. Anything else (an
 * operator, punctuation, two words) matches nothing, in both dialects.
 */
export function isSearchTerm(term: string): boolean {
  const words = wordsOf(term);
  return words.length === 1 && words[0]?.start === 0 && words[0].end === term.length && words[0].folded === term;
}

/** The text as the index stores it: the folded words separated by single spaces. */
export function indexText(text: string): string {
  return wordsOf(text)
    .map((word) => word.folded)
    .join(' ');
}

/**
 * The distinct folded words of a query, in order, at most MAX_SEARCH_TERMS. A term
 * that is a prefix of another term is dropped (every word matching the longer one
 * matches it too), so "par parley" searches for "parley".
 */
export function parseSearchTerms(query: string): string[] {
  const distinct = [...new Set(wordsOf(query).map((word) => word.folded))];
  const kept = distinct.filter((term) => !distinct.some((other) => other !== term && other.startsWith(term)));
  return kept.slice(0, MAX_SEARCH_TERMS);
}

/** The words of `text` that start with one of the terms, as [start, end) ranges in order. */
export function highlightRanges(text: string, terms: readonly string[]): [number, number][] {
  if (terms.length === 0) return [];
  return wordsOf(text)
    .filter((word) => terms.some((term) => word.folded.startsWith(term)))
    .map((word): [number, number] => [word.start, word.end]);
}
