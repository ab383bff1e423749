/**
 * The first step of search tokenizing (domain/search-text.ts): a text's words cut
 * into runs of one kind of script, spaced (Latin, Cyrillic, Arabic, Hangul...) or
 * unspaced (Chinese, Japanese, Thai, Lao, Khmer, Myanmar: no spaces between words),
 * with the characters of unspaced runs. A word is a run of letters, digits, marks
 * and private-use characters; everything else separates words. A character is a
 * base with the marks that follow it (Thai vowel signs and tone marks, accents).
 *
 * It scans code points with a table of their classes filled on first sight (one
 * byte per code point, at most 1.1 MB): Unicode property escapes in a regular
 * expression cost about ten times more per character. Pure: no I/O.
 */

const SEPARATOR = 1;
/** Attaches to the character before it. Half-width kana voicing marks are letters in Unicode, but act as marks. */
const MARK = 2;
const SPACED = 3;
const UNSPACED = 4;

const IS_MARK = /^[\p{M}\uff9e\uff9f]$/u;
const IS_WORD = /^[\p{L}\p{N}\p{Co}]$/u;
/** Scripts written without spaces between words (by script extension: ー and 々 count). */
const IS_UNSPACED =
  /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]$/u;

const classes = new Uint8Array(0x110000);

function classOf(codePoint: number): number {
  const known = classes[codePoint]!;
  if (known !== 0) return known;
  const character = String.fromCodePoint(codePoint);
  const found = IS_MARK.test(character)
    ? MARK
    : !IS_WORD.test(character)
      ? SEPARATOR
      : IS_UNSPACED.test(character)
        ? UNSPACED
        : SPACED;
  classes[codePoint] = found;
  return found;
}

/** A maximal stretch of one word in one kind of script, [start, end) in UTF-16 units. */
export interface Run {
  unspaced: boolean;
  start: number;
  end: number;
  /** For an unspaced run: where each of its characters starts (it ends where the next starts, the last at `end`). */
  starts: number[];
}

export function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  let run: Run | undefined;
  for (let i = 0; i < text.length;) {
    const codePoint = text.codePointAt(i)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const kind = classOf(codePoint);
    if (kind === SEPARATOR) run = undefined;
    else if (kind === MARK && run !== undefined) run.end = i + width;
    else {
      // A mark that starts a word belongs to a spaced run of its own kind.
      const unspaced = kind === UNSPACED;
      if (run === undefined || run.unspaced !== unspaced) {
        run = { unspaced, start: i, end: i + width, starts: [] };
        runs.push(run);
      }
      run.end = i + width;
      if (unspaced) run.starts.push(i);
    }
    i += width;
  }
  return runs;
}

/** The words of a text that contains no unspaced characters (a folded spaced run): its stretches between separators. */
export function wordsOf(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length;) {
    const codePoint = text.codePointAt(i)!;
    const separator = classOf(codePoint) === SEPARATOR;
    if (separator && start >= 0) {
      words.push(text.slice(start, i));
      start = -1;
    } else if (!separator && start < 0) start = i;
    i += codePoint > 0xffff ? 2 : 1;
  }
  if (start >= 0) words.push(text.slice(start));
  return words;
}

/** `text` without its separators. */
export function withoutSeparators(text: string): string {
  return wordsOf(text).join('');
}
