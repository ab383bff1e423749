import { describe, expect, it } from 'vitest';
import { isSingleEmoji, replaceShortcodes, shortcodeMatches } from './emoji';
import { loadEmojiIndex, searchEmoji, withSkin } from './emoji-data';

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

  it('knows every shortcode of the full set once it has loaded, and searches it', async () => {
    expect(replaceShortcodes('a :kangaroo: here')).toBe('a :kangaroo: here');
    const index = await loadEmojiIndex();
    expect(replaceShortcodes('a :kangaroo: here')).toBe('a 🦘 here');
    expect(shortcodeMatches('kang')).toEqual([['kangaroo', '🦘']]);
    expect(index.categories.map((c) => c.id)).toContain('flags');
    const thumbs = searchEmoji(index, 'thumbs up')[0];
    expect(thumbs?.id).toBe('+1');
    expect(thumbs === undefined ? '' : withSkin(thumbs, 3)).toBe('👍🏽');
    expect(searchEmoji(index, 'zzzz nothing')).toEqual([]);
  });

  it('accepts exactly one emoji for a reaction', () => {
    for (const ok of ['👍', '❤️', '👍🏽', '👩‍💻', '🇫🇷', '🦄']) expect(isSingleEmoji(ok)).toBe(true);
    for (const bad of ['', 'a', '👍👍', 'ok👍', ':)']) expect(isSingleEmoji(bad)).toBe(false);
  });
});
