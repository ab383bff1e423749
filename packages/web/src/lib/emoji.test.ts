import { describe, expect, it } from 'vitest';
import { isSingleEmoji, replaceShortcodes, shortcodeMatches } from './emoji';

describe('emoji', () => {
  it('replaces known shortcodes and keeps unknown ones', () => {
    expect(replaceShortcodes(':+1: well done :tada: at 10:30 :nope:')).toBe('👍 well done 🎉 at 10:30 :nope:');
  });

  it('suggests shortcodes by prefix, shortest first', () => {
    expect(shortcodeMatches('thi')).toEqual([
      ['thinking', '🤔'],
      ['thinking_face', '🤔'],
    ]);
  });

  it('accepts exactly one emoji for a reaction', () => {
    for (const ok of ['👍', '❤️', '👍🏽', '👩‍💻', '🇫🇷', '🦄']) expect(isSingleEmoji(ok)).toBe(true);
    for (const bad of ['', 'a', '👍👍', 'ok👍', ':)']) expect(isSingleEmoji(bad)).toBe(false);
  });
});
