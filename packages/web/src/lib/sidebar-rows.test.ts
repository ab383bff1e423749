import { describe, expect, it } from 'vitest';
import { neighbour, reorder, sidebarRows, type ListEntry } from './sidebar-rows';

const e = (id: string, kind: ListEntry['kind'], at: number, unread = false): ListEntry => ({
  id,
  kind,
  lastActivityAt: at,
  unread,
});
const entries = [e('c1', 'channel', 5), e('g1', 'group', 9, true), e('g2', 'group', 3), e('d1', 'direct', 7, true)];
const base = { favourites: [], folded: new Set<never>(), unreadOnly: false, activeId: null };

describe('sidebar rows', () => {
  it('cuts the list into sections, favourites first in their own order', () => {
    const rows = sidebarRows(entries, { ...base, favourites: ['g2', 'c1'] });
    expect(rows.map((r) => r.key)).toEqual([
      'section-favourites',
      'g2',
      'c1',
      'section-groups',
      'g1',
      'section-direct',
      'd1',
    ]);
  });

  it('lists archived groups and channels apart, under "Archived" last, favourites included', () => {
    const archived = [
      ...entries,
      { ...e('c2', 'channel', 8), archived: true },
      { ...e('g3', 'group', 6), archived: true },
    ];
    const rows = sidebarRows(archived, { ...base, favourites: ['c2', 'c1'] });
    expect(rows.map((r) => r.key)).toEqual([
      'section-favourites',
      'c1',
      'section-groups',
      'g1',
      'g2',
      'section-direct',
      'd1',
      'section-archived',
      'c2',
      'g3',
    ]);
    expect(neighbour(archived, [], 'd1', 1, false)).toBe('c2');
  });

  it('shows only the header of a folded section, with its count and unread mark', () => {
    const rows = sidebarRows(entries, { ...base, folded: new Set(['groups'] as const) });
    expect(rows.map((r) => r.key)).toEqual(['section-channels', 'c1', 'section-groups', 'section-direct', 'd1']);
    expect(rows[2]).toMatchObject({ count: 2, unread: true, folded: true });
  });

  it('keeps unread conversations and the open one under the unread filter; a search unfolds', () => {
    const rows = sidebarRows(entries, { ...base, unreadOnly: true, activeId: 'g2' });
    expect(rows.filter((r) => r.kind === 'conversation').map((r) => r.key)).toEqual(['g1', 'g2', 'd1']);
    const found = sidebarRows(entries, { ...base, folded: new Set(['groups'] as const), matches: new Set(['g2']) });
    expect(found.map((r) => r.key)).toEqual(['section-groups', 'g2']);
  });

  it('walks to the previous/next conversation, and to the next unread with wrap-around', () => {
    // Order: c1 (channels), g1, g2 (groups), d1 (direct).
    expect(neighbour(entries, [], 'c1', 1, false)).toBe('g1');
    expect(neighbour(entries, [], 'c1', -1, false)).toBeUndefined();
    expect(neighbour(entries, [], 'g1', 1, true)).toBe('d1');
    expect(neighbour(entries, [], 'd1', 1, true)).toBe('g1');
    expect(neighbour(entries, [], 'd1', -1, true)).toBe('g1');
    expect(neighbour(entries, ['d1'], null, 1, true)).toBe('d1');
  });

  it('reorders by moving one id', () => {
    expect(reorder(['a', 'b', 'c'], 'c', 0)).toEqual(['c', 'a', 'b']);
    expect(reorder(['a', 'b', 'c'], 'a', 5)).toEqual(['b', 'c', 'a']);
  });
});
