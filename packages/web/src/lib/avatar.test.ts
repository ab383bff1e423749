import { describe, expect, it } from 'vitest';
import { initials } from './avatar';

describe('initials', () => {
  it('takes the first letters of the first and last words', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('bob')).toBe('B');
    // Decorations are not names.
    expect(initials('Alice Liddell (you)')).toBe('AL');
    expect(initials('Bob - away')).toBe('BA');
    expect(initials('🦊')).toBe('🦊');
    expect(initials('  ')).toBe('?');
  });

  it('never shows an invisible or bidi control character as a letter', () => {
    expect(initials('\u202E\u200Bbob')).toBe('B');
    expect(initials('\u200B\u3164')).toBe('?');
  });
});
