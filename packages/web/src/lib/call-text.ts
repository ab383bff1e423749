/**
 * Words for calls: a call record's line in the timeline and the conversation list
 * (`Missed video call`, `Voice call · 1:05`), a running duration (`1:05`, `1:02:03`)
 * and why a call ended. Pure functions.
 */
import type { CallContent, CallEndReason } from '@parley/protocol';

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function callDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** What a call record says, from the reader's side (`mine`: I placed the call). */
export function callRecordText(content: CallContent, mine: boolean): string {
  const kind = content.media === 'video' ? 'video call' : 'voice call';
  const Kind = kind.charAt(0).toUpperCase() + kind.slice(1);
  switch (content.status) {
    case 'ringing':
      return mine ? `Calling… (${kind})` : `Incoming ${kind}`;
    case 'ongoing':
      return `${Kind} in progress`;
    case 'answered':
      return `${Kind} · ${callDuration(content.durationMs ?? 0)}`;
    case 'missed':
      return mine ? `${Kind}, no answer` : `Missed ${kind}`;
    case 'declined':
      return mine ? `${Kind}, declined` : `Declined ${kind}`;
    case 'cancelled':
      return mine ? `Cancelled ${kind}` : `Missed ${kind}`;
    case 'busy':
      return mine ? `${Kind}, busy` : `Missed ${kind} (you were in another call)`;
  }
}

/** Why a call ended, for the call screen. */
export function endReasonText(reason: CallEndReason, byMe: boolean): string {
  switch (reason) {
    case 'hangup':
      return 'Call ended';
    case 'declined':
      return byMe ? 'Call declined' : 'Declined';
    case 'cancelled':
      return byMe ? 'Call cancelled' : 'Missed call';
    case 'busy':
      return 'Busy: they are in another call';
    case 'missed':
      return 'No answer';
    case 'disconnected':
      return 'Call lost: the connection dropped';
  }
}
