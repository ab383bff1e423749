/**
 * The text rules: which characters user-written text may carry, how a name is
 * normalized, and what counts as invisible. One pure module (no I/O, only
 * ECMAScript's `Intl`) shared by the server, which enforces the rules in its
 * services for every way in, and by the SDK and the web app, which check early
 * with the same code. docs/protocol.md ("Text rules") describes them for users.
 *
 * Free text (message text and captions, status text, topics, descriptions, reasons,
 * queries) may carry anything XML 1.0 can carry, so that every XMPP client can read
 * it: a carriage return (alone or before a line feed) becomes a line feed, and C0
 * controls other than tab and line feed, lone surrogates and noncharacters are
 * refused. Bidirectional controls stay (right-to-left writers need them); clients
 * isolate user text so that they cannot spill outside it.
 *
 * Names (display names, conversation titles, file names, device names) are single
 * lines that people recognize each other and files by: every control character is
 * refused, and a name is normalized to NFC without bidirectional controls, without
 * invisible formatting characters, and without invisible characters at either end.
 * A name with nothing left is blank: each field decides what blank means.
 */

/** A user-written field, as `details.field` of an `invalid_text` error names it. */
export type TextField =
  | 'text'
  | 'caption'
  | 'statusText'
  | 'avatarUrl'
  | 'topic'
  | 'description'
  | 'reason'
  | 'query'
  | 'displayName'
  | 'title'
  | 'fileName'
  | 'deviceName'
  | 'nickname'
  | 'group';

/** Why a character is refused. */
export type RefusalReason = 'control' | 'lone_surrogate' | 'noncharacter';

/** The first refused character of a text: where it is and what it is. */
export interface RefusedCharacter {
  /** Offset in UTF-16 code units. */
  index: number;
  codePoint: number;
  reason: RefusalReason;
}

/** A text that passed its rules (`value` is normalized), or the first refused character. */
export type TextCheck = { ok: true; value: string } | { ok: false; refused: RefusedCharacter };

/** What replaces a refused character where text cannot be refused (stored text, XML output). */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** `U+0001`, `U+1F600`: a code point as people write it. */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** U+FDD0..U+FDEF and the last two code points of every plane: never for interchange. */
export function isNoncharacter(codePoint: number): boolean {
  return (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;
}

/** Bidirectional formatting: ALM, LRM, RLM, the embeddings and overrides (U+202A..U+202E), the isolates (U+2066..U+2069). */
export function isBidiControl(codePoint: number): boolean {
  return (
    codePoint === 0x061c ||
    codePoint === 0x200e ||
    codePoint === 0x200f ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069)
  );
}

const INVISIBLE = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]$/u;

/**
 * Shows nothing by itself: white space, default-ignorable code points (zero-width
 * characters, joiners, variation selectors, tags, Hangul fillers, bidirectional
 * controls...) and the blank Braille pattern U+2800.
 */
export function isInvisible(codePoint: number): boolean {
  return INVISIBLE.test(String.fromCodePoint(codePoint));
}

/** True when the text shows nothing: empty, or only invisible characters. */
export function isBlank(text: string): boolean {
  for (const ch of text) if (!isInvisible(ch.codePointAt(0) ?? 0)) return false;
  return true;
}

const isVariationSelector = (cp: number) => (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
const isTag = (cp: number) => cp >= 0xe0020 && cp <= 0xe007f;
const EMOJI_OR_IDEOGRAPH = /^[\p{Emoji}\p{Ideographic}]$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;

/**
 * Invisible characters that change how their neighbours are drawn, and so stay
 * inside a name: ZWNJ and ZWJ (Persian and Indic words, emoji sequences), CGJ,
 * Mongolian free variation selectors, the Hangul jamo fillers of conjoining
 * sequences, variation selectors and tags (flags of subdivisions).
 */
function shapesNeighbours(cp: number): boolean {
  return (
    cp === 0x200c ||
    cp === 0x200d ||
    cp === 0x034f ||
    (cp >= 0x180b && cp <= 0x180d) ||
    cp === 0x180f ||
    cp === 0x115f ||
    cp === 0x1160 ||
    isVariationSelector(cp) ||
    isTag(cp)
  );
}

/** Removed anywhere in a name: bidirectional controls and invisible formatting that shapes nothing. */
function removedFromNames(cp: number): boolean {
  if (isBidiControl(cp)) return true;
  const ch = String.fromCodePoint(cp);
  return /^\p{Default_Ignorable_Code_Point}$/u.test(ch) && !shapesNeighbours(cp);
}

/** Code points of a string, lone surrogates included (as their own values). */
function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0) ?? 0);
  return out;
}

/** `for...of` yields a lone surrogate as a one-unit string: any surrogate value it gives is lone. */
const isSurrogate = (cp: number) => cp >= 0xd800 && cp <= 0xdfff;

function fromCodePoints(cps: readonly number[]): string {
  let out = '';
  for (const cp of cps) out += String.fromCodePoint(cp);
  return out;
}

function findRefused(text: string, refuseControl: (cp: number) => boolean): RefusedCharacter | null {
  let index = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (refuseControl(cp)) return { index, codePoint: cp, reason: 'control' };
    if (isSurrogate(cp)) return { index, codePoint: cp, reason: 'lone_surrogate' };
    if (isNoncharacter(cp)) return { index, codePoint: cp, reason: 'noncharacter' };
    index += ch.length;
  }
  return null;
}

/** CR LF and a lone CR become LF (Windows and some XMPP clients end lines with CR). */
export function normalizeLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

const isFreeTextControl = (cp: number) => cp < 0x20 && cp !== 0x09 && cp !== 0x0a;
const isNameControl = (cp: number) => cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);

/** The first character free text may not carry (line breaks already normalized), or null. */
export function findRefusedInText(text: string): RefusedCharacter | null {
  return findRefused(text, isFreeTextControl);
}

/** The first character a name may not carry (any control, line breaks included), or null. */
export function findRefusedInName(name: string): RefusedCharacter | null {
  return findRefused(name, isNameControl);
}

/**
 * Free text as it is stored: line breaks normalized, or the first refused character.
 * @example checkText('a\r\nb') // { ok: true, value: 'a\nb' }
 */
export function checkText(raw: string): TextCheck {
  const value = normalizeLineBreaks(raw);
  const refused = findRefusedInText(value);
  return refused ? { ok: false, refused } : { ok: true, value };
}

/**
 * Drops invisible characters at both ends. At the end, a variation selector after
 * an emoji or an ideograph and the tags of a subdivision flag stay: they are part
 * of the character before them.
 */
function trimInvisible(cps: number[]): number[] {
  let start = 0;
  while (start < cps.length && isInvisible(cps[start] ?? 0)) start += 1;
  let end = cps.length;
  while (end > start) {
    const cp = cps[end - 1] ?? 0;
    if (!isInvisible(cp)) break;
    if (isVariationSelector(cp) && end - 2 >= start) {
      const base = cps[end - 2] ?? 0;
      if (EMOJI_OR_IDEOGRAPH.test(String.fromCodePoint(base))) break;
    }
    if (cp === 0xe007f) {
      let first = end - 1;
      while (first > start && isTag(cps[first - 1] ?? 0) && (cps[first - 1] ?? 0) !== 0xe007f) first -= 1;
      const base = cps[first - 1];
      if (first > start && base !== undefined && PICTOGRAPHIC.test(String.fromCodePoint(base))) break;
    }
    end -= 1;
  }
  return cps.slice(start, end);
}

/**
 * A name as it is stored: NFC, without bidirectional controls or invisible
 * formatting characters, without invisible characters at either end. The caller has
 * checked it with {@link findRefusedInName}; the result may be empty (blank).
 * @example normalizeName('\u200Balice\u202E ') // 'alice'
 */
export function normalizeName(raw: string): string {
  const kept = codePoints(raw.normalize('NFC')).filter((cp) => !removedFromNames(cp));
  return fromCodePoints(trimInvisible(kept));
}

/**
 * A name checked and normalized (its `value` may be empty: blank), or its first
 * refused character.
 */
export function checkName(raw: string): TextCheck {
  const refused = findRefusedInName(raw);
  return refused ? { ok: false, refused } : { ok: true, value: normalizeName(raw) };
}

/**
 * Free text with every refused character replaced by U+FFFD and line breaks
 * normalized: for text that was stored before the rules, and for output that must
 * be valid whatever it is given. Word boundaries stay where they were.
 */
export function repairText(raw: string): string {
  return replaceRefused(normalizeLineBreaks(raw), isFreeTextControl, REPLACEMENT_CHARACTER);
}

/** A name with refused characters dropped, then normalized (may be empty). */
export function repairName(raw: string): string {
  return normalizeName(replaceRefused(raw, isNameControl, ''));
}

function replaceRefused(text: string, isControl: (cp: number) => boolean, by: string): string {
  if (findRefused(text, isControl) === null) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    out += isControl(cp) || isSurrogate(cp) || isNoncharacter(cp) ? by : ch;
  }
  return out;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The longest start of a text that fits in `maxUnits` UTF-16 code units without
 * cutting a character (surrogate pair) or a grapheme (an emoji sequence, a letter
 * and its accents) in two.
 */
export function truncateText(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  let end = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (end + segment.length > maxUnits) break;
    end += segment.length;
  }
  return text.slice(0, end);
}

/**
 * The extension of a file name: what follows its last dot, lower-cased, after the
 * name's normalization (so `holiday\u202Egnp.exe` is `exe`, whatever it looks like
 * when drawn). Null when there is none (no dot, a dot first or last).
 * @example fileExtension('Report.final.PDF') // 'pdf'
 */
export function fileExtension(name: string): string | null {
  const normalized = repairName(name);
  const dot = normalized.lastIndexOf('.');
  if (dot <= 0 || dot === normalized.length - 1) return null;
  return normalized.slice(dot + 1).toLowerCase();
}

/**
 * A file name cut to `maxUnits` UTF-16 code units keeping its extension when it is
 * short enough to keep (so a long `….exe` is still seen as an `.exe`).
 */
export function truncateFileName(name: string, maxUnits: number): string {
  if (name.length <= maxUnits) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  if (extension.length === 0 || extension.length > Math.floor(maxUnits / 2)) return truncateText(name, maxUnits);
  return truncateText(name.slice(0, dot), maxUnits - extension.length) + extension;
}

const LRI = 0x2066;
const FSI = 0x2068;
const PDI = 0x2069;

/**
 * User text made safe to put inside a bidi isolate (`<bdi>`, `dir="auto"`, or the
 * FSI...PDI of {@link isolateText}): a PDI that closes no isolate opened in the text
 * would close the surrounding one and let an override spill out, so it becomes a
 * word joiner (U+2060, invisible; offsets into the text stay valid, for highlights);
 * an isolate the text opens and leaves open would swallow the closing PDI, so it is
 * closed at the end. Embeddings and overrides need nothing: an isolate's PDI ends
 * them (Unicode Bidirectional Algorithm, rule X6a).
 */
export function balanceBidi(text: string): string {
  if (!/[\u2066-\u2069]/.test(text)) return text;
  let open = 0;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= LRI && cp <= FSI) open += 1;
    else if (cp === PDI) {
      if (open === 0) {
        out += '\u2060';
        continue;
      }
      open -= 1;
    }
    out += ch;
  }
  return out + String.fromCodePoint(PDI).repeat(open);
}

/**
 * User text isolated for a plain-text context (a notification, a label, a sentence
 * that names someone): FSI, the balanced text, PDI. Nothing in it can reorder the
 * text around it, and its own direction comes from its first strong character.
 * @example `${isolateText(name)} renamed the group` // an RLO in the name stays inside
 */
export function isolateText(text: string): string {
  return `\u2068${balanceBidi(text)}\u2069`;
}
