/**
 * Why I cannot post here, when I cannot: a broadcast channel (admins post), a
 * read-only role, or a moderator's mute (until when). Undefined when I may post.
 */
import { formatDuration } from '../lib/format-time';
import { can } from '../lib/permissions';
import type { ConversationState } from '../state/app-state';

export function postBlocker(c: ConversationState, now: number): string | undefined {
  const seat = {
    kind: c.conversation.kind,
    postPolicy: c.conversation.postPolicy,
    role: c.role,
    archived: c.conversation.archivedAt !== undefined,
  };
  if (c.mutedUntil !== null && c.mutedUntil > now) {
    return `A moderator muted you here for ${formatDuration(c.mutedUntil - now)} (until ${new Date(c.mutedUntil).toLocaleString()}). You can still read and react.`;
  }
  if (c.role === undefined || can('post', seat)) return undefined;
  if (c.conversation.postPolicy === 'admins') return 'This is a broadcast channel: only admins post here.';
  return 'You can read this conversation but not post in it.';
}

/** Milliseconds until slow mode lets me post again (0: now). */
export function slowModeWait(c: ConversationState, now: number): number {
  const seconds = c.conversation.slowModeSeconds;
  const seat = {
    kind: c.conversation.kind,
    postPolicy: c.conversation.postPolicy,
    role: c.role,
    archived: c.conversation.archivedAt !== undefined,
  };
  if (seconds === 0 || c.lastPostAt === 0 || can('bypassSlowMode', seat)) return 0;
  return Math.max(0, c.lastPostAt + seconds * 1000 - now);
}
