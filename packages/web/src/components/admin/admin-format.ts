/** Small wording helpers shared by the console's tabs. */
import { ParleyError } from '@parley/sdk';

/** A refusal or failure as one line for the page. */
export function errorText(error: unknown): string {
  if (error instanceof ParleyError) return error.message;
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/** A date and time in the reader's locale. */
export function when(at: number | null, never = '—'): string {
  return at === null ? never : new Date(at).toLocaleString();
}

/** Bytes as KB, MB, GB (powers of 1024). */
export function bytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
