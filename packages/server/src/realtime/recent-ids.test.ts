import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids';

describe('RecentIds', () => {
  it('says an id is new once, then a repeat', () => {
    const ids = new RecentIds(10);
    expect(ids.firstSeen('e_1')).toBe(true);
    expect(ids.firstSeen('e_1')).toBe(false);
    expect(ids.firstSeen('e_2')).toBe(true);
  });

  it('remembers at least `capacity` ids and forgets older generations', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) expect(ids.firstSeen(id)).toBe(true);
    // a, b, c moved to the previous generation when d arrived: still remembered.
    expect(ids.firstSeen('c')).toBe(false);
    for (const id of ['f', 'g']) expect(ids.firstSeen(id)).toBe(true);
    // The generation holding a..c was dropped when g arrived.
    expect(ids.firstSeen('a')).toBe(true);
    expect(ids.firstSeen('f')).toBe(false);
  });
});
