/**
 * The emoji the composer's picker offers: a small built-in set, grouped, with
 * names for screen readers. Built in on purpose: the picker works offline and
 * fetches nothing.
 */

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
