/**
 * Mentions in the composer and in messages: which `@name` or `:code` the caret is
 * in (for the suggestion list), the suggestions, inserting the one picked, and
 * whether a message mentions me. Pure.
 */
import type { Message, User } from '@parley/protocol';

export interface ActiveToken {
  kind: 'mention' | 'emoji';
  /** Index of the `@` or `:`. */
  start: number;
  /** What was typed after it, up to the caret. */
  query: string;
}

/** The `@...` or `:...` word that ends at the caret, if any (after a space, a bracket or the start). */
export function activeToken(text: string, caret: number): ActiveToken | undefined {
  const before = text.slice(0, caret);
  const match = /(^|[\s([{])([@:])([\p{L}\p{N}_.+-]*)$/u.exec(before);
  if (match === null) return undefined;
  const sigil = match[2] ?? '';
  const query = match[3] ?? '';
  const start = caret - query.length - 1;
  if (sigil === ':') return query.length >= 2 ? { kind: 'emoji', start, query } : undefined;
  return { kind: 'mention', start, query };
}

export type MentionCandidate = { kind: 'user'; user: User } | { kind: 'all'; name: 'here' | 'channel'; label: string };

const ALL: readonly Extract<MentionCandidate, { kind: 'all' }>[] = [
  { kind: 'all', name: 'here', label: 'Notify everyone online' },
  { kind: 'all', name: 'channel', label: 'Notify every member' },
];

/** People whose username or a word of whose display name starts with `query`, then @here/@channel. */
export function mentionCandidates(
  query: string,
  people: readonly User[],
  options: { allowAll: boolean; me: string; limit?: number },
): MentionCandidate[] {
  const q = query.toLowerCase();
  const users = people
    .filter((u) => u.id !== options.me)
    .filter(
      (u) =>
        u.username.startsWith(q) ||
        u.displayName
          .toLowerCase()
          .split(/\s+/)
          .some((w) => w.startsWith(q)),
    )
    .sort(
      (a, b) =>
        Number(!a.username.startsWith(q)) - Number(!b.username.startsWith(q)) || a.username.localeCompare(b.username),
    )
    .map((user): MentionCandidate => ({ kind: 'user', user }));
  const all = options.allowAll ? ALL.filter((c) => c.name.startsWith(q)) : [];
  return [...users, ...all].slice(0, options.limit ?? 8);
}

/** Replaces the token from `start` to `caret` with `replacement` and a space; returns the text and the new caret. */
export function insertCompletion(
  text: string,
  start: number,
  caret: number,
  replacement: string,
): { text: string; caret: number } {
  const after = text.slice(caret);
  const spaced = after.startsWith(' ') ? replacement : `${replacement} `;
  return { text: text.slice(0, start) + spaced + after, caret: start + spaced.length };
}

/** The message mentions me by name, or everyone with @here / @channel. */
export function mentionsMe(message: Message, me: string): boolean {
  const m = message.mentions;
  if (m === undefined || message.senderId === me) return false;
  return m.here || m.channel || m.userIds.includes(me);
}
