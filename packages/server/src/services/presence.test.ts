import { expect, it } from 'vitest';
import { aggregate } from './presence';

it('aggregates devices: busy beats online beats away; none is offline', () => {
  expect(aggregate([])).toBe('offline');
  expect(aggregate(['away'])).toBe('away');
  expect(aggregate(['away', 'online'])).toBe('online');
  expect(aggregate(['online', 'busy', 'away'])).toBe('busy');
});
