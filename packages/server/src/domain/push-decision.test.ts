import { describe, expect, it } from 'vitest';
import { decidePush, type PushFacts } from './push-decision';

const now = Date.parse('2026-01-15T12:30:00Z');
const base: PushFacts = { level: 'all', mention: false, dndUntil: null, quietHours: null, focused: false };
const lunch = { startMinute: 12 * 60, endMinute: 13 * 60, timeZone: 'UTC' };

describe('decidePush', () => {
  it('notifies when nothing holds the push back', () => {
    expect(decidePush(base, now)).toBe('notify');
    expect(decidePush({ ...base, level: 'mentions', mention: true }, now)).toBe('notify');
  });

  it('names the first rule that holds it back, in order', () => {
    const all = { ...base, dndUntil: now + 1, quietHours: lunch, focused: true };
    expect(decidePush({ ...all, level: 'muted', mention: true }, now)).toBe('muted');
    expect(decidePush({ ...all, level: 'mentions' }, now)).toBe('mentions_only');
    expect(decidePush(all, now)).toBe('do_not_disturb');
    expect(decidePush({ ...all, dndUntil: now }, now)).toBe('quiet_hours');
    expect(
      decidePush({ ...all, dndUntil: null, quietHours: { ...lunch, startMinute: 14 * 60, endMinute: 15 * 60 } }, now),
    ).toBe('active_device');
  });
});
