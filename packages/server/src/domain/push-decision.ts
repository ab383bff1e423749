/**
 * The rule that decides whether one device hears of one message by push
 * (docs/notifications.md): the member's level for the conversation first, then the
 * user's do-not-disturb time and quiet hours, then whether a device of theirs shows the
 * conversation right now. The first rule that holds a push back names the decision, so
 * the user can be told why. Who may see the message at all (membership, blocks, the
 * sender's own devices) is settled before this rule is asked.
 */
import type { NotifyLevel, PushDecisionReason } from '@parley/protocol';
import { inQuietHours, type QuietWindow } from './quiet-hours';

export interface PushFacts {
  level: NotifyLevel;
  /** The message mentions the user (direct messages count as mentions). */
  mention: boolean;
  dndUntil: number | null;
  quietHours: QuietWindow | null;
  /** A device of the user shows the conversation (a live `focus.set`). */
  focused: boolean;
}

export function decidePush(facts: PushFacts, now: number): PushDecisionReason {
  if (facts.level === 'muted') return 'muted';
  if (facts.level === 'mentions' && !facts.mention) return 'mentions_only';
  if (facts.dndUntil !== null && facts.dndUntil > now) return 'do_not_disturb';
  if (facts.quietHours !== null && inQuietHours(now, facts.quietHours)) return 'quiet_hours';
  if (facts.focused) return 'active_device';
  return 'notify';
}
