import { describe, expect, it } from 'vitest';
import { formatClockTime, inQuietHours, isTimeZone, localMinute, parseClockTime } from './quiet-hours';

const at = (iso: string) => Date.parse(iso);

describe('quiet hours', () => {
  it('parses and formats HH:MM, refusing anything else', () => {
    expect(parseClockTime('22:00')).toBe(1320);
    expect(parseClockTime('07:05')).toBe(425);
    expect(parseClockTime('00:00')).toBe(0);
    for (const bad of ['24:00', '7:00', '12:60', '12:00:00', '']) expect(parseClockTime(bad), bad).toBeNull();
    expect(formatClockTime(425)).toBe('07:05');
  });

  it('knows IANA zones and refuses unknown names', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('reads the local time of the zone, daylight saving included', () => {
    expect(localMinute(at('2026-01-15T21:30:00Z'), 'Europe/Paris')).toBe(22 * 60 + 30); // UTC+1 in winter
    expect(localMinute(at('2026-07-15T21:30:00Z'), 'Europe/Paris')).toBe(23 * 60 + 30); // UTC+2 in summer
    expect(localMinute(at('2026-07-15T21:30:00Z'), 'Asia/Kolkata')).toBe(3 * 60); // UTC+5:30
  });

  it('holds a window that crosses midnight, start included and end excluded', () => {
    const night = { startMinute: 22 * 60, endMinute: 7 * 60, timeZone: 'Europe/Paris' };
    expect(inQuietHours(at('2026-01-15T20:59:00Z'), night)).toBe(false); // 21:59 local
    expect(inQuietHours(at('2026-01-15T21:00:00Z'), night)).toBe(true); // 22:00
    expect(inQuietHours(at('2026-01-16T02:00:00Z'), night)).toBe(true); // 03:00
    expect(inQuietHours(at('2026-01-16T05:59:00Z'), night)).toBe(true); // 06:59
    expect(inQuietHours(at('2026-01-16T06:00:00Z'), night)).toBe(false); // 07:00
  });

  it('holds a window within one day', () => {
    const lunch = { startMinute: 12 * 60, endMinute: 13 * 60, timeZone: 'UTC' };
    expect(inQuietHours(at('2026-03-01T11:59:00Z'), lunch)).toBe(false);
    expect(inQuietHours(at('2026-03-01T12:30:00Z'), lunch)).toBe(true);
    expect(inQuietHours(at('2026-03-01T13:00:00Z'), lunch)).toBe(false);
  });
});
