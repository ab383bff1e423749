/**
 * What an XMPP client reads for a call record (clients without Jingle see call history
 * as text): `Video call (ringing)`, `Voice call, 2:05`, `Video call (missed)`. Each
 * change of the record is a XEP-0308 correction of that body. Pure.
 */
import type { CallContent } from '@parley/protocol';

export function callBody(content: CallContent): string {
  const kind = content.media === 'video' ? 'Video call' : 'Voice call';
  if (content.status === 'answered') {
    const seconds = Math.floor((content.durationMs ?? 0) / 1000);
    return `${kind}, ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }
  return `${kind} (${content.status === 'ongoing' ? 'in progress' : content.status})`;
}
