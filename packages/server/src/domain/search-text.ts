/**
 * What full-text search calls a word, in one place for both SQL dialects: the store
 * indexes `indexText(text)` (the tokens, folded, joined by spaces), the search
 * service parses queries with `parseSearchTerms` and computes highlights with
 * `highlightRanges`. Because SQLite FTS5 and PostgreSQL receive tokens that are
 * already split and folded, both find the same messages for the same terms.
 *
 * A word is a run of letters, digits, marks and private-use characters; everything
 * else separates words. Within a word, scripts written without spaces between words
 * (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) are not words but runs of
 * characters, indexed as overlapping pairs ("北京烤鸭" is 北京 京烤 烤鸭 鸭): a query
 * run matches wherever its pairs all occur, so `北京` is found inside
 * "我们明天去北京吃烤鸭" and `タワー` inside "東京タワーに行きました" whatever a
 * dictionary would have segmented (see docs/adr/0007-search-character-pairs.md).
 * Other scripts match by word prefix. Both sides are folded by domain/search-fold.ts
 * (case, width, diacritics). Pure: no I/O.
 */
import type { MessageContent } from '@parley/protocol';
import { contentText } from './content-text';
import { fold } from './search-fold';
import { type Run, runsOf, withoutSeparators, wordsOf } from './search-runs';

/** Longer words are indexed and searched by their first MAX_WORD_LENGTH characters. */
export const MAX_WORD_LENGTH = 64;
/**
 * A query keeps at most this many distinct words (the rest are ignored); an unbroken
 * run of Chinese, Japanese or Thai counts as one word, whatever its length.
 */
export const MAX_SEARCH_TERMS = 8;

export interface Token {
  /** The folded token, as the index stores it and terms are compared with. */
  text: string;
  /** [start, end) in UTF-16 units of the original text. */
  start: number;
  end: number;
  /**
   * For a pair of characters of a run without spaces: the folded length and the
   * original end of its first character, so that a one-character term highlights
   * that character only.
   */
  first?: { length: number; end: number };
}

/** A run in a spaced script: its folded words, each spanning the whole run in the original. */
function wordTokens(run: Run, original: string): Token[] {
  return wordsOf(fold(original.slice(run.start, run.end))).map((word) => ({
    text: word.length > MAX_WORD_LENGTH ? word.slice(0, MAX_WORD_LENGTH) : word,
    start: run.start,
    end: run.end,
  }));
}

/** The characters of a run without spaces: folded, with their original ranges. */
interface Characters {
  folded: string[];
  start: number[];
  end: number[];
}

/** The folded characters of a run without spaces (those that fold to nothing are left out). */
function charactersOf(run: Run, original: string): Characters {
  const text = original.slice(run.start, run.end);
  // Most runs are already folded (Chinese, hiragana): one check instead of one per character.
  const folded = fold(text) === text;
  const characters: Characters = { folded: [], start: [], end: [] };
  run.starts.forEach((start, index) => {
    const end = run.starts[index + 1] ?? run.end;
    const character = original.slice(start, end);
    const form = folded ? character : withoutSeparators(fold(character));
    if (form === '') return;
    characters.folded.push(form);
    characters.start.push(start);
    characters.end.push(end);
  });
  return characters;
}

/**
 * The tokens of a text as the index stores them, in order: the folded words of
 * spaced scripts; for a run without spaces, each pair of neighbouring characters
 * and the last character alone (so that a one-character query, a prefix, finds
 * every character of the run, the last included).
 */
export function tokensOf(text: string): Token[] {
  const tokens: Token[] = [];
  for (const run of runsOf(text)) {
    if (!run.unspaced) {
      tokens.push(...wordTokens(run, text));
      continue;
    }
    const { folded, start, end } = charactersOf(run, text);
    const last = folded.length - 1;
    for (let i = 0; i < last; i += 1) {
      tokens.push({
        text: folded[i]! + folded[i + 1]!,
        start: start[i]!,
        end: end[i + 1]!,
        first: { length: folded[i]!.length, end: end[i]! },
      });
    }
    if (last >= 0) tokens.push({ text: folded[last]!, start: start[last]!, end: end[last]! });
  }
  return tokens;
}

/**
 * The words of a query, each as the terms it stands for: a spaced word is one term;
 * a run without spaces is its pairs (all must occur), or its one character.
 */
function queryWords(query: string): string[][] {
  const words: string[][] = [];
  for (const run of runsOf(query)) {
    if (!run.unspaced) {
      words.push(...wordTokens(run, query).map((token) => [token.text]));
      continue;
    }
    const { folded } = charactersOf(run, query);
    if (folded.length === 1) words.push([folded[0]!]);
    else if (folded.length > 1) words.push(folded.slice(1).map((character, index) => folded[index]! + character));
  }
  return words;
}

/**
 * True for a term the index can match: one folded word, one character or one pair
 * of a script without spaces. Anything else (an operator, punctuation, two words)
 * matches nothing, in both dialects.
 */
export function isSearchTerm(term: string): boolean {
  const words = queryWords(term);
  return words.length === 1 && words[0]?.length === 1 && words[0][0] === term;
}

/** The text as the index stores it: the tokens separated by single spaces. */
export function indexText(text: string): string {
  return tokensOf(text)
    .map((token) => token.text)
    .join(' ');
}

/**
 * The terms of a query, every one of which must begin a token of a message: the
 * first MAX_SEARCH_TERMS distinct words, as terms, without repeats. A term that is
 * a prefix of another term is dropped (every token matching the longer one matches
 * it too), so "par parley" searches for "parley".
 */
export function parseSearchTerms(query: string): string[] {
  const words = new Map<string, string[]>();
  for (const word of queryWords(query)) {
    const key = word.join(' ');
    if (!words.has(key) && words.size < MAX_SEARCH_TERMS) words.set(key, word);
  }
  const distinct = [...new Set([...words.values()].flat())];
  return distinct.filter((term) => !distinct.some((other) => other !== term && other.startsWith(term)));
}

/** The part of a token that a matching term covers: a whole word, or the characters of a pair the term spans. */
function coveredRange(token: Token, term: string): [number, number] {
  if (token.first !== undefined && term.length <= token.first.length) return [token.start, token.first.end];
  return [token.start, token.end];
}

/**
 * The parts of `text` that the terms found, as [start, end) ranges in order, the
 * ones that overlap or touch merged: every word that starts with a term, and in a
 * run without spaces the characters a term matched.
 */
export function highlightRanges(text: string, terms: readonly string[]): [number, number][] {
  if (terms.length === 0) return [];
  const found: [number, number][] = [];
  for (const token of tokensOf(text)) {
    // The longest term that matches covers the most of a pair.
    const term = terms
      .filter((candidate) => token.text.startsWith(candidate))
      .reduce<string | undefined>(
        (best, candidate) => (best === undefined || candidate.length > best.length ? candidate : best),
        undefined,
      );
    if (term !== undefined) found.push(coveredRange(token, term));
  }
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const range of found) {
    const previous = merged.at(-1);
    if (previous !== undefined && range[0] <= previous[1]) previous[1] = Math.max(previous[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

/**
 * The text search indexes for a message: a text message's text, a file message's caption,
 * nothing else (never an encrypted message: domain/content-text.ts decides what is readable).
 */
export function searchableText(content: MessageContent): string | undefined {
  const text = contentText(content);
  if (!text.readable || (text.field === 'caption' && text.text.trim() === '')) return undefined;
  return text.text;
}
