import { describe, expect, it } from 'vitest';
import { dayLabel, daysBetween, formatDuration, lastSeen } from './format-time';

const now = new Date(2026, 4, 20, 15, 30).getTime();

describe('format-time', () => {
  it('counts calendar days, not 24-hour spans', () => {
    expect(daysBetween(new Date(2026, 4, 19, 23, 59).getTime(), new Date(2026, 4, 20, 0, 1).getTime())).toBe(1);
    expect(daysBetween(now - 60_000, now)).toBe(0);
  });

  it('labels days', () => {
    expect(dayLabel(now, now)).toBe('Today');
    expect(dayLabel(now - 86_400_000, now)).toBe('Yesterday');
    expect(dayLabel(new Date(2025, 0, 2).getTime(), now, 'en-GB')).toContain('2025');
  });

  it('says when someone was last seen', () => {
    expect(lastSeen(now - 10_000, now)).toBe('last seen just now');
    expect(lastSeen(now - 5 * 60_000, now)).toBe('last seen 5 min ago');
    expect(lastSeen(now - 3 * 3_600_000, now)).toMatch(/^last seen today at /);
    expect(lastSeen(null, now)).toBe('offline');
  });
});

describe('formatDuration', () => {
  it('rounds up to the unit it shows', () => {
    expect(formatDuration(1)).toBe('1 s');
    expect(formatDuration(59_000)).toBe('59 s');
    expect(formatDuration(61_000)).toBe('2 min');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(7_200_001)).toBe('3 h');
    expect(formatDuration(86_400_000 * 2)).toBe('2 days');
  });
});
