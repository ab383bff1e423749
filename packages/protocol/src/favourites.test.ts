import { describe, expect, it } from 'vitest';
import { placeFavourite } from './favourites';

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
