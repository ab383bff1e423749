/**
 * Quiet hours (docs/notifications.md): a daily window, in the user's IANA time zone,
 * during which no push is sent. Pure rules: parsing and checking a window, and whether
 * an instant falls inside it. The local time comes from `Intl` (the tz database of the
 * runtime), so daylight saving time moves the window with the clocks, as the user expects.
 */

/** A window as stored: minutes after local midnight, and the zone. */
export interface QuietWindow {
  startMinute: number;
  endMinute: number;
  timeZone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    // Bounded: a zone name is checked by isTimeZone before it is stored, and there are a few hundred.
    if (formatters.size < 1000) formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the zone (an IANA name such as `Europe/Paris`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    // RangeError: not a zone this runtime knows.
    return false;
  }
}

/** `HH:MM` (24-hour) to minutes after midnight; null when malformed. */
export function parseClockTime(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

export function formatClockTime(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Minutes after local midnight at `at` (epoch ms) in `timeZone`. */
export function localMinute(at: number, timeZone: string): number {
  let hour = 0;
  let minute = 0;
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type === 'hour') hour = Number(part.value);
    if (part.type === 'minute') minute = Number(part.value);
  }
  return hour * 60 + minute;
}

/** Whether `at` is inside the window: start included, end excluded; a window may cross midnight. */
export function inQuietHours(at: number, window: QuietWindow): boolean {
  const now = localMinute(at, window.timeZone);
  const { startMinute: start, endMinute: end } = window;
  return start < end ? now >= start && now < end : now >= start || now < end;
}
