import { describe, expect, it } from 'vitest';
import { changedPlaces, placeFavourite } from './favourites';

describe('placeFavourite', () => {
  it('adds last, or before another favourite', () => {
    expect(placeFavourite(['a', 'b'], 'c', {})).toEqual(['a', 'b', 'c']);
    expect(placeFavourite(['a', 'b'], 'c', { before: 'b' })).toEqual(['a', 'c', 'b']);
    expect(placeFavourite(['a', 'b'], 'c', { before: 'a' })).toEqual(['c', 'a', 'b']);
  });

  it('moves an existing favourite, and goes last before something that is not a favourite', () => {
    expect(placeFavourite(['a', 'b', 'c'], 'c', { before: 'a' })).toEqual(['c', 'a', 'b']);
    expect(placeFavourite(['a', 'b', 'c'], 'a', {})).toEqual(['b', 'c', 'a']);
    expect(placeFavourite(['a', 'b', 'c'], 'a', { before: 'x' })).toEqual(['b', 'c', 'a']);
    expect(placeFavourite(['a', 'b', 'c'], 'b', { before: 'b' })).toEqual(['a', 'b', 'c']);
  });

  it('removes with a null place', () => {
    expect(placeFavourite(['a', 'b', 'c'], 'b', null)).toEqual(['a', 'c']);
    expect(placeFavourite(['a'], 'x', null)).toEqual(['a']);
  });
});

describe('changedPlaces', () => {
  it('names only the places that moved, and the dropped ones', () => {
    expect(changedPlaces(['a', 'b', 'c', 'd'], ['a', 'c', 'b', 'd'])).toEqual([
      { conversationId: 'c', position: 1 },
      { conversationId: 'b', position: 2 },
    ]);
    expect(changedPlaces(['a', 'b'], ['b'])).toEqual([
      { conversationId: 'b', position: 0 },
      { conversationId: 'a', position: null },
    ]);
    expect(changedPlaces(['a'], ['a'])).toEqual([]);
    expect(changedPlaces([], ['a'])).toEqual([{ conversationId: 'a', position: 0 }]);
  });
});
