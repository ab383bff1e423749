import { describe, expect, it } from 'vitest';
import { avatarImage, initials } from './avatar';

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

  it('loads https pictures and this server’s own, never other plain http ones', () => {
    expect(avatarImage('https://cdn.example/a.png', 'http://127.0.0.1:8080')).toBe('https://cdn.example/a.png');
    expect(avatarImage('http://127.0.0.1:8080/v1/avatars/u1/x.webp', 'http://127.0.0.1:8080')).toBe(
      'http://127.0.0.1:8080/v1/avatars/u1/x.webp',
    );
    expect(avatarImage('http://127.0.0.1:8080.evil/x.webp', 'http://127.0.0.1:8080')).toBeUndefined();
    expect(avatarImage('http://elsewhere/x.webp', 'http://127.0.0.1:8080')).toBeUndefined();
    expect(avatarImage(null, 'http://127.0.0.1:8080')).toBeUndefined();
  });

  it('never shows an invisible or bidi control character as a letter', () => {
    expect(initials('\u202E\u200Bbob')).toBe('B');
    expect(initials('\u200B\u3164')).toBe('?');
  });
});
