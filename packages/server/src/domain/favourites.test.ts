import { describe, expect, it } from 'vitest';
import { changedPlaces } from './favourites';

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
