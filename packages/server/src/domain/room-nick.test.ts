import { describe, expect, it } from 'vitest';
import { checkRoomNick, foldNick, ROOM_NICK_MAX } from './room-nick';

describe('room nicknames', () => {
  it('folds case and compatibility forms', () => {
    expect(foldNick('ＢOb')).toBe('bob');
    expect(foldNick('Bob')).toBe(foldNick('bOB'));
  });
  it('keeps a good nickname and stores it normalized', () => {
    expect(checkRoomNick('Cafe\u0301 Crème')).toEqual({ ok: true, nick: 'Café Crème', fold: 'café crème' });
  });
  it('refuses blank, control characters and long nicknames with a reason', () => {
    expect(checkRoomNick('   ')).toEqual({ ok: false, reason: 'a nickname may not be blank' });
    const control = checkRoomNick('a\u0007b');
    expect(control.ok).toBe(false);
    expect(!control.ok && control.reason).toContain('control');
    expect(checkRoomNick('x'.repeat(ROOM_NICK_MAX)).ok).toBe(true);
    expect(checkRoomNick('x'.repeat(ROOM_NICK_MAX + 1))).toEqual({
      ok: false,
      reason: `a nickname has at most ${ROOM_NICK_MAX} characters`,
    });
  });
});
