/**
 * Who sees whose presence (online status, last seen and status text): one pure rule over
 * the facts between a viewer and a subject. services/audience.ts reads the facts from the
 * store; this file decides. A viewer who may not see gets exactly a stranger's answer
 * (offline, no last seen, no status text), so a refusal cannot be told apart from "no
 * relation at all".
 *
 * - The audience: people the subject added as contacts, and members of the direct and group
 *   conversations where the subject took part (posted, created it, joined it by their own
 *   action). Being added somewhere by someone else, or written to, reveals nothing.
 * - A block, in either direction, removes each from the other's audience.
 * - The subject's setting narrows the audience: `everyone` (all of it), `contacts` (only people
 *   they added), `nobody`.
 * - Reciprocal, as in Telegram: the viewer's own setting applies to what they see. With
 *   `nobody` they see no one's presence; with `contacts`, only the presence of people they added.
 */
import type { PresenceVisibility } from '@parley/protocol';

export interface PresenceFacts {
  subjectVisibility: PresenceVisibility;
  viewerVisibility: PresenceVisibility;
  /** The subject has the viewer in their contacts. */
  subjectAddedViewer: boolean;
  /** The viewer has the subject in their contacts. */
  viewerAddedSubject: boolean;
  /** They share a direct or group conversation in which the subject took part. */
  subjectTookPartWithViewer: boolean;
  /** Either of them blocked the other. */
  blocked: boolean;
}

/** Whether a setting lets its owner share with (and so see) the other person. */
function shares(visibility: PresenceVisibility, addedOther: boolean): boolean {
  switch (visibility) {
    case 'everyone':
      return true;
    case 'contacts':
      return addedOther;
    case 'nobody':
      return false;
  }
}

/** True when the viewer may see the subject's presence. (Everyone sees their own: callers check that first.) */
export function seesPresence(facts: PresenceFacts): boolean {
  if (facts.blocked) return false;
  if (!facts.subjectAddedViewer && !facts.subjectTookPartWithViewer) return false;
  if (!shares(facts.subjectVisibility, facts.subjectAddedViewer)) return false;
  return shares(facts.viewerVisibility, facts.viewerAddedSubject);
}
