import { describe, expect, it } from 'vitest';
import { safeEntryName } from './user-export';

describe('safeEntryName', () => {
  it('keeps a file inside its folder of the archive', () => {
    expect(safeEntryName('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(safeEntryName('a\\b\u0000c')).toBe('a_b_c');
    expect(safeEntryName('')).toBe('file');
    expect(safeEntryName('plans.txt')).toBe('plans.txt');
  });
});
