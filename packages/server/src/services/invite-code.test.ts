import { describe, expect, it } from 'vitest';
import { newInviteCode } from './moderation';

describe('newInviteCode', () => {
  it('gives 22 letters and digits, never an option-like or link-breaking character', () => {
    const codes = Array.from({ length: 2000 }, () => newInviteCode());
    for (const code of codes) expect(code).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('uses the whole alphabet', () => {
    const seen = new Set(Array.from({ length: 400 }, () => newInviteCode()).join(''));
    expect(seen.size).toBe(62);
  });
});
