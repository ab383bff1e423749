import { describe, expect, it } from 'vitest';
import { directKey, newId } from './ids';

describe('ids', () => {
  it('match the protocol id pattern, sort by time, and do not collide', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => newId('m', 1_700_000_000_000 + i));
    for (const id of ids) expect(id).toMatch(/^m_[0-9a-z]{22}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 10_000 }, () => newId('u'))).size).toBe(10_000);
  });

  it('direct keys do not depend on who starts', () => {
    expect(directKey('u_b', 'u_a')).toBe(directKey('u_a', 'u_b'));
    expect(directKey('u_a', 'u_b')).toBe('u_a:u_b');
  });
});
