/**
 * Words for presence: "online", "away", "busy", or "last seen ..." for offline.
 */
import type { Presence } from '@parley/protocol';
import { lastSeen } from './format-time';

export function presenceLabel(presence: Presence | undefined, now: number): string {
  if (presence === undefined) return '';
  switch (presence.status) {
    case 'online':
      return 'online';
    case 'away':
      return 'away';
    case 'busy':
      return 'busy';
    case 'offline':
      return lastSeen(presence.lastSeenAt, now);
  }
}
