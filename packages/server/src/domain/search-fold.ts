/**
 * How search compares characters: case, compatibility forms and diacritics do not
 * matter, so that `uberprufung` finds "Überprüfung", `tieng viet` finds "Tiếng Việt"
 * and half-width `ﾀﾜｰ` finds "タワー". The same folding runs on the indexed text
 * and on the query (domain/search-text.ts), so the two always agree. Pure: no I/O.
 *
 * Steps: compatibility decomposition (NFKD: full-width and half-width forms,
 * ligatures, superscripts), lower case, removal of the marks that are diacritics,
 * letters that carry their stroke or ligature inside them (ß, ø, æ, ł, đ...), then
 * NFC so that what stays (Hangul syllables, kana with their voicing marks) is one
 * form. Only diacritics go: the vowel signs and tone marks of Thai, Devanagari and
 * other scripts are letters in all but name, and kana voicing (ガ vs カ) changes
 * the word, so those marks are kept.
 */

/**
 * The marks removed: the combining diacritical blocks used by Latin, Greek and
 * Cyrillic (accents, cedillas, ogoneks, the Vietnamese horn), Hebrew points and
 * cantillation, Arabic harakat and the tatweel, and variation selectors (which
 * change how an emoji or ideograph is drawn, not what it is).
 */
const DIACRITIC =
  // Ranges of marks, as escapes: the rule takes a mark next to another for a combined character.
  // eslint-disable-next-line no-misleading-character-class
  /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u0640\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/gu;

/** Letters that no decomposition splits, spelled as a reader without the key would. */
const SPELLED: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ƀ: 'b',
  ƶ: 'z',
  ɨ: 'i',
  ʉ: 'u',
  ς: 'σ',
};
const SPELLED_CHARS = new RegExp(`[${Object.keys(SPELLED).join('')}]`, 'gu');

const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** The folded form of `text` (possibly of another length: `ß` is `ss`). Idempotent. */
export function fold(text: string): string {
  // Most words are plain ASCII, which only needs lower case.
  if (PLAIN_ASCII.test(text)) return text.toLowerCase();
  return (
    text
      .normalize('NFKD')
      .toLowerCase()
      // Lower-casing can produce a composed letter or a new mark (İ is i and a dot): decompose again.
      .normalize('NFKD')
      .replace(DIACRITIC, '')
      .replace(SPELLED_CHARS, (letter) => SPELLED[letter] ?? letter)
      .normalize('NFC')
  );
}
