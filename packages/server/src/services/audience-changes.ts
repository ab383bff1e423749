/**
 * When who-sees-whom changes (a block or unblock, a contact added or removed, a privacy
 * setting, someone taking part in a conversation for the first time), the people whose
 * view changed are told at once: whoever may now see a user gets their presence and full
 * profile, whoever may no longer see them gets a stranger's answer (offline, no last seen,
 * no status text). So a block hides both people from each other live, not at the next
 * status change. The rules are audience.ts's; this file only compares before and after.
 */
import { toUser } from './accounts';
import { presenceAudience, visibleTo, withoutPresence } from './audience';
import type { ServiceDeps } from './deps';
import type { PresenceService } from './presence';
import { topics } from '../ports/bus';

export class AudienceChanges {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly presence: PresenceService,
  ) {}

  /** Runs a change between two people and tells each of them how they now see the other. */
  async pair<T>(a: string, b: string, change: () => Promise<T>): Promise<T> {
    const { store } = this.deps;
    const before = [await visibleTo(store, a, [b]), await visibleTo(store, b, [a])];
    const result = await change();
    const after = [await visibleTo(store, a, [b]), await visibleTo(store, b, [a])];
    if (before[0]?.has(b) !== after[0]?.has(b)) await this.tell(b, after[0]?.has(b) ? [a] : [], [a]);
    if (before[1]?.has(a) !== after[1]?.has(a)) await this.tell(a, after[1]?.has(a) ? [b] : [], [b]);
    return result;
  }

  /**
   * Runs a change to one user's privacy setting: the people who gained or lost the sight of
   * them are told, and so is the user about the people they gained or lost (the rule is
   * reciprocal).
   */
  async setting<T>(userId: string, change: () => Promise<T>): Promise<T> {
    const { store } = this.deps;
    const [owners, sources] = await Promise.all([
      store.listContactOwners(userId),
      store.listPartnersWhoTookPart(userId),
    ]);
    const subjects = [...new Set([...owners, ...sources])];
    const audienceBefore = new Set(await presenceAudience(store, userId));
    const seenBefore = await visibleTo(store, userId, subjects);
    const result = await change();
    const audienceAfter = new Set(await presenceAudience(store, userId));
    const seenAfter = await visibleTo(store, userId, subjects);
    const gained = [...audienceAfter].filter((id) => !audienceBefore.has(id));
    const lost = [...audienceBefore].filter((id) => !audienceAfter.has(id));
    await this.tell(userId, gained, gained.concat(lost));
    for (const subject of subjects) {
      if (seenBefore.has(subject) !== seenAfter.has(subject)) {
        await this.tell(subject, seenAfter.has(subject) ? [userId] : [], [userId]);
      }
    }
    return result;
  }

  /** The user took part in a conversation for the first time: its members who now see them are told. */
  async tookPart(userId: string, memberIds: readonly string[]): Promise<void> {
    const others = memberIds.filter((id) => id !== userId);
    if (others.length === 0) return;
    const audience = new Set(await presenceAudience(this.deps.store, userId));
    const shown = others.filter((id) => audience.has(id));
    await this.tell(userId, shown, shown);
  }

  /**
   * `shown` get the user's presence and full profile; the rest of `told` get a stranger's
   * presence and the profile without its status text (profiles only when there is a status
   * text, the one part that differs).
   */
  private async tell(userId: string, shown: readonly string[], told: readonly string[]): Promise<void> {
    const visible = new Set(shown);
    const hidden = told.filter((id) => !visible.has(id));
    if (shown.length === 0 && hidden.length === 0) return;
    const record = await this.deps.store.getUser(userId);
    if (!record) return;
    await this.presence.reveal(userId, { shown, hidden });
    // Without a status text, both views of the profile are the same: nothing to correct.
    if (record.statusText === null) return;
    const user = toUser(record);
    if (shown.length > 0) {
      await this.deps.events.publish(topics.presence, { v: 1, type: 'user.updated', user, audience: [...shown] });
    }
    if (hidden.length > 0) {
      const stripped = withoutPresence(user);
      await this.deps.events.publish(topics.presence, { v: 1, type: 'user.updated', user: stripped, audience: hidden });
    }
  }
}
