/**
 * Emoji helpers for the composer and reactions: a small built-in set (grouped, named for
 * screen readers, with common `:shortcode:`s) that works at once, and, once
 * lib/emoji-data.ts has loaded the full set (a lazy chunk from the same server), its
 * shortcodes too. The first shortcode lookup starts that load.
 */
import { emojiIndexNow, loadEmojiIndex } from './emoji-data';

export interface EmojiGroup {
  name: string;
  emoji: readonly (readonly [char: string, label: string])[];
}

export const EMOJI_GROUPS: readonly EmojiGroup[] = [
  {
    name: 'Smileys',
    emoji: [
      ['😀', 'grinning face'],
      ['😄', 'smiling face with open mouth'],
      ['😂', 'face with tears of joy'],
      ['🙂', 'slightly smiling face'],
      ['😉', 'winking face'],
      ['😊', 'smiling face with smiling eyes'],
      ['😍', 'smiling face with heart eyes'],
      ['😘', 'face blowing a kiss'],
      ['😎', 'smiling face with sunglasses'],
      ['🤔', 'thinking face'],
      ['😐', 'neutral face'],
      ['🙄', 'face with rolling eyes'],
      ['😴', 'sleeping face'],
      ['😅', 'grinning face with sweat'],
      ['😢', 'crying face'],
      ['😭', 'loudly crying face'],
      ['😡', 'pouting face'],
      ['🤯', 'exploding head'],
      ['🥳', 'partying face'],
      ['😇', 'smiling face with halo'],
      ['🤗', 'hugging face'],
      ['🤝', 'handshake'],
      ['😬', 'grimacing face'],
      ['🫡', 'saluting face'],
    ],
  },
  {
    name: 'Gestures',
    emoji: [
      ['👍', 'thumbs up'],
      ['👎', 'thumbs down'],
      ['👏', 'clapping hands'],
      ['🙌', 'raising hands'],
      ['🙏', 'folded hands'],
      ['👋', 'waving hand'],
      ['👌', 'OK hand'],
      ['✌️', 'victory hand'],
      ['🤞', 'crossed fingers'],
      ['💪', 'flexed biceps'],
      ['👀', 'eyes'],
      ['🤷', 'person shrugging'],
    ],
  },
  {
    name: 'Symbols',
    emoji: [
      ['❤️', 'red heart'],
      ['🔥', 'fire'],
      ['✨', 'sparkles'],
      ['🎉', 'party popper'],
      ['✅', 'check mark button'],
      ['❌', 'cross mark'],
      ['⚠️', 'warning'],
      ['💯', 'hundred points'],
      ['⭐', 'star'],
      ['💡', 'light bulb'],
      ['🚀', 'rocket'],
      ['☕', 'hot beverage'],
      ['🍕', 'pizza'],
      ['🎂', 'birthday cake'],
      ['📎', 'paperclip'],
      ['📅', 'calendar'],
    ],
  },
];

/** `:shortcode:` names (Slack/GitHub style) for common emoji. */
export const SHORTCODES: Readonly<Record<string, string>> = {
  smile: '😄',
  grinning: '😀',
  joy: '😂',
  rofl: '🤣',
  slightly_smiling_face: '🙂',
  wink: '😉',
  blush: '😊',
  heart_eyes: '😍',
  kissing_heart: '😘',
  sunglasses: '😎',
  thinking: '🤔',
  thinking_face: '🤔',
  neutral_face: '😐',
  roll_eyes: '🙄',
  sleeping: '😴',
  sweat_smile: '😅',
  cry: '😢',
  sob: '😭',
  rage: '😡',
  angry: '😠',
  exploding_head: '🤯',
  partying_face: '🥳',
  innocent: '😇',
  hugs: '🤗',
  hugging_face: '🤗',
  grimacing: '😬',
  saluting_face: '🫡',
  open_mouth: '😮',
  scream: '😱',
  upside_down_face: '🙃',
  '+1': '👍',
  thumbsup: '👍',
  '-1': '👎',
  thumbsdown: '👎',
  clap: '👏',
  raised_hands: '🙌',
  pray: '🙏',
  wave: '👋',
  ok_hand: '👌',
  v: '✌️',
  crossed_fingers: '🤞',
  muscle: '💪',
  eyes: '👀',
  shrug: '🤷',
  handshake: '🤝',
  point_up: '☝️',
  heart: '❤️',
  broken_heart: '💔',
  fire: '🔥',
  sparkles: '✨',
  tada: '🎉',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  '100': '💯',
  star: '⭐',
  bulb: '💡',
  rocket: '🚀',
  coffee: '☕',
  pizza: '🍕',
  beer: '🍺',
  cake: '🎂',
  birthday: '🎂',
  paperclip: '📎',
  calendar: '📅',
  memo: '📝',
  bug: '🐛',
  zap: '⚡',
  boom: '💥',
  question: '❓',
  exclamation: '❗',
  lock: '🔒',
  key: '🔑',
  bell: '🔔',
  no_bell: '🔕',
  pushpin: '📌',
  link: '🔗',
  hourglass: '⌛',
  sun: '☀️',
  moon: '🌙',
  rainbow: '🌈',
  cat: '🐱',
  dog: '🐶',
  unicorn: '🦄',
  poop: '💩',
  ghost: '👻',
  robot: '🤖',
  see_no_evil: '🙈',
};

const SHORTCODE = /:([a-z0-9_+-]{1,40}):/g;

/** Replaces known `:shortcode:`s with their emoji; unknown ones stay as typed. */
export function replaceShortcodes(text: string): string {
  if (!text.includes(':')) return text;
  const full = emojiIndexNow();
  return text.replace(
    SHORTCODE,
    (whole, name: string) => SHORTCODES[name] ?? full?.byShortcode.get(name)?.skins[0] ?? whole,
  );
}

/** Shortcodes starting with `prefix` (for the composer's `:` suggestions), shortest first. */
export function shortcodeMatches(prefix: string, limit = 8): [name: string, emoji: string][] {
  const p = prefix.toLowerCase();
  const full = emojiIndexNow();
  if (full === undefined) void loadEmojiIndex().catch(() => undefined);
  const found = new Map<string, string>(Object.entries(SHORTCODES).filter(([name]) => name.startsWith(p)));
  if (full !== undefined)
    for (const [name, entry] of full.byShortcode)
      if (name.startsWith(p) && !found.has(name) && entry.skins[0] !== undefined) found.set(name, entry.skins[0]);
  return [...found].sort((a, b) => a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
}

const ONE_EMOJI =
  /^(?:\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3|\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})*(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})*)*)$/u;

/** True for exactly one emoji (with skin tone, variation selector or ZWJ sequence): what a reaction may be. */
export function isSingleEmoji(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length > 0 && trimmed.length <= 64 && ONE_EMOJI.test(trimmed);
}

/** Reactions offered first, one click each. */
export const QUICK_REACTIONS: readonly string[] = ['👍', '❤️', '😂', '🎉', '😮', '🙏'];
