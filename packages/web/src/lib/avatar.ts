/**
 * Avatar helpers: initials from a display name and a stable colour slot per user
 * (CSS classes avatar-c0..c7, all with white text at readable contrast). Images are
 * used only for https URLs, which the page's CSP allows.
 */
import { repairName } from '@parley/protocol';

export const AVATAR_COLORS = 8;

/**
 * One or two upper-case letters, e.g. "Ada Lovelace" -> "AL", "bob" -> "B"; never an
 * invisible or bidi control character (the name is normalized as a name first), and
 * never punctuation: a word that starts with none of letters or digits, such as "(you)"
 * or "-", is skipped ("Alice Liddell (you)" -> "AL").
 */
export function initials(name: string): string {
  const all = repairName(name).split(/\s+/).filter(Boolean);
  const named = all.filter((w) => /^[\p{L}\p{N}]/u.test(w));
  const words = named.length > 0 ? named : all;
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  const result = letters.map((w) => (w === undefined ? '' : (Array.from(w)[0] ?? ''))).join('');
  return result.toUpperCase() || '?';
}

/** A colour slot that is the same for a given id on every device. */
export function colorSlot(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i += 1) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % AVATAR_COLORS;
}

/** The avatar URL if the browser may load it under our CSP (https only), else undefined. */
export function avatarImage(url: string | null | undefined): string | undefined {
  return url !== null && url !== undefined && /^https:\/\//i.test(url) ? url : undefined;
}
