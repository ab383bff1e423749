import { describe, expect, it } from 'vitest';
import { isEmoji } from './emoji';

describe('isEmoji', () => {
  it('accepts single emoji of every shape', () => {
    const good = [
      '👍',
      '👍🏽', // skin tone
      '❤️', // VS16
      '☺', // text presentation
      '👩‍💻', // ZWJ profession
      '👨‍👩‍👧‍👦', // family
      '🏳️‍🌈', // VS16 inside a ZWJ sequence
      '🧑🏿‍🤝‍🧑🏻', // modifiers inside a ZWJ sequence
      '🇫🇷', // regional-indicator pair
      '🏴󠁧󠁢󠁳󠁣󠁴󠁿', // subdivision flag (tags)
      '1️⃣', // keycap
      '#⃣',
      '🫠', // Unicode 14
    ];
    for (const emoji of good) expect(isEmoji(emoji), emoji).toBe(true);
  });

  it('refuses text, several emoji and lone components', () => {
    const bad = ['', 'a', 'ok', '👍👍', '👍 ', ':+1:', '🏽', '\u200D', '🇫', '1', '<b>', '👍a', 'x'.repeat(65)];
    for (const value of bad) expect(isEmoji(value), value).toBe(false);
  });
});
