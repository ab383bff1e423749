/**
 * What counts as one reaction emoji: a single grapheme that is an emoji, whatever
 * Unicode version made it. Accepted: Extended_Pictographic characters with an
 * optional VS16 and skin-tone modifier, joined by ZWJ into sequences (families,
 * professions, rainbow flag), subdivision flags (tag sequences), country flags
 * (regional-indicator pairs) and keycaps. Pure.
 */

const ELEMENT = String.raw`\p{Extended_Pictographic}\uFE0F?\p{Emoji_Modifier}?\uFE0F?`;
const TAGS = String.raw`[\u{E0020}-\u{E007E}]+\u{E007F}`;
const EMOJI = new RegExp(
  String.raw`^(?:${ELEMENT}(?:${TAGS})?(?:\u200D${ELEMENT})*|\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3)$`,
  'u',
);

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** At most 64 UTF-16 units, as the protocol's `Emoji` schema says. */
export const MAX_EMOJI_LENGTH = 64;

export function isEmoji(value: string): boolean {
  if (value.length === 0 || value.length > MAX_EMOJI_LENGTH) return false;
  let count = 0;
  for (const _ of graphemes.segment(value)) {
    count += 1;
    if (count > 1) return false;
  }
  return EMOJI.test(value);
}
