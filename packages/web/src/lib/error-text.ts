/**
 * Words for an action the server refused, with the details that help: until when a
 * mute or ban lasts, how long slow mode still holds. Pure.
 */
import { ParleyError } from '@parley/sdk';
import { formatDuration } from './format-time';

/** Words for a refusal from the server, with the details that help (how long, until when). */
export function errorText(error: unknown): string {
  if (!(error instanceof ParleyError)) return error instanceof Error ? error.message : String(error);
  const details = error.details ?? {};
  const at = (v: unknown) => (typeof v === 'number' ? new Date(v).toLocaleString() : undefined);
  switch (error.code) {
    case 'muted':
      return `You are muted here${at(details.mutedUntil) === undefined ? '' : ` until ${at(details.mutedUntil)}`}.`;
    case 'banned':
      return `You are banned from this conversation${at(details.expiresAt) === undefined ? '' : ` until ${at(details.expiresAt)}`}.`;
    case 'slow_mode':
      return typeof details.retryAfterMs === 'number'
        ? `Slow mode: you can post again in ${formatDuration(details.retryAfterMs)}.`
        : 'Slow mode: wait a little before posting again.';
    case 'edit_window_passed':
      return 'This message can no longer be edited.';
    case 'invite_invalid':
      return 'This invite link is invalid, expired or used up.';
    case 'forbidden':
      return 'You are not allowed to do that here.';
    case 'invalid_text':
      return invalidText(details);
    default:
      return error.message;
  }
}

const FIELD_WORDS: Record<string, string> = {
  text: 'The message',
  caption: 'The caption',
  displayName: 'The name',
  statusText: 'The status',
  title: 'The title',
  topic: 'The topic',
  description: 'The description',
  fileName: 'The file name',
  reason: 'The reason',
  query: 'The search',
};

/** `invalid_text`: which text, and which character (a control character is invisible: say its code). */
function invalidText(details: Record<string, unknown>): string {
  const field = typeof details.field === 'string' ? (FIELD_WORDS[details.field] ?? 'The text') : 'The text';
  const what =
    details.reason === 'lone_surrogate'
      ? 'a broken character'
      : details.reason === 'noncharacter'
        ? 'a character that is not for text'
        : 'an invisible control character';
  const code = typeof details.codePoint === 'string' ? ` (${details.codePoint})` : '';
  return `${field} contains ${what}${code} that cannot be sent. Remove it and try again.`;
}
