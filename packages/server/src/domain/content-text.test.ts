import { describe, expect, it } from 'vitest';
import { contentText, isOpaque } from './content-text';
import { searchableText } from './search-text';

describe('contentText: the one place that says what text the server may derive from', () => {
  it('reads a text and a caption', () => {
    expect(contentText({ type: 'text', text: 'hi' })).toEqual({ readable: true, text: 'hi', field: 'text' });
    const file = { type: 'file', fileId: 'f_1', name: 'a.png', size: 1, mime: 'image/png', kind: 'image' } as const;
    expect(contentText({ ...file, caption: 'look' })).toEqual({ readable: true, text: 'look', field: 'caption' });
    expect(contentText(file)).toEqual({ readable: false, reason: 'none' });
  });

  it('cannot read MLS ciphertext, so search indexes nothing for it', () => {
    const mls = { type: 'mls', kind: 'application', epoch: 3, data: 'AAEC' } as const;
    expect(contentText(mls)).toEqual({ readable: false, reason: 'encrypted' });
    expect(isOpaque(mls)).toBe(true);
    expect(isOpaque({ type: 'text', text: 'x' })).toBe(false);
    expect(searchableText(mls)).toBeUndefined();
    expect(searchableText({ type: 'text', text: 'x' })).toBe('x');
  });
});
