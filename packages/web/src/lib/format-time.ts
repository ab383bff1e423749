/**
 * Human times for the chat: message clock times, day separator labels, "last
 * seen" phrases and short list timestamps. Pure: `now` is passed in, and the
 * locale is the browser's (undefined = default).
 */

const DAY_MS = 86_400_000;

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Whole calendar days between two instants (0 = same day, 1 = yesterday...). */
export function daysBetween(earlier: number, later: number): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / DAY_MS);
}

/** 14:05 (or 2:05 PM, as the locale says). */
export function clockTime(t: number, locale?: string): string {
  return new Date(t).toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
}

/** "Today", "Yesterday", "Monday 3 March", or with the year when it is not this year. */
export function dayLabel(t: number, now: number, locale?: string): string {
  const days = daysBetween(t, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const sameYear = new Date(t).getFullYear() === new Date(now).getFullYear();
  return new Date(t).toLocaleDateString(locale, {
    weekday: days < 7 ? 'long' : undefined,
    day: 'numeric',
    month: 'long',
    year: sameYear ? undefined : 'numeric',
  });
}

/** The timestamp in the conversation list: a clock time today, a weekday this week, else a date. */
export function listTime(t: number, now: number, locale?: string): string {
  const days = daysBetween(t, now);
  if (days === 0) return clockTime(t, locale);
  if (days === 1) return 'Yesterday';
  if (days < 7) return new Date(t).toLocaleDateString(locale, { weekday: 'short' });
  return new Date(t).toLocaleDateString(locale, { day: 'numeric', month: 'short' });
}

/** "last seen just now", "last seen 5 min ago", "last seen today at 14:05", ... */
export function lastSeen(t: number | null, now: number, locale?: string): string {
  if (t === null) return 'offline';
  const ago = Math.max(0, now - t);
  if (ago < 60_000) return 'last seen just now';
  if (ago < 3_600_000) return `last seen ${Math.floor(ago / 60_000)} min ago`;
  const days = daysBetween(t, now);
  if (days === 0) return `last seen today at ${clockTime(t, locale)}`;
  if (days === 1) return `last seen yesterday at ${clockTime(t, locale)}`;
  return `last seen ${new Date(t).toLocaleDateString(locale, { day: 'numeric', month: 'short' })}`;
}

/** A duration in words: "45 s", "5 min", "2 h", "3 days" (rounded up to the unit shown). */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.ceil(s / 60)} min`;
  if (s < 86_400) return `${Math.ceil(s / 3600)} h`;
  const days = Math.ceil(s / 86_400);
  return days === 1 ? '1 day' : `${days} days`;
}
