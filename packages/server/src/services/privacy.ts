/**
 * A user's privacy settings: who sees their online status and last seen (`presence`:
 * everyone in their audience, their contacts, or nobody; domain/privacy.ts). A change is
 * told at once to the people who gained or lost the sight of them (and, the rule being
 * reciprocal, to the user about the people they gained or lost), and to the user's other
 * devices (`privacy.updated`).
 */
import type { PrivacySettings, UpdatePrivacyBody } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { topics } from '../ports/bus';
import type { AuthContext } from './accounts';
import type { AudienceChanges } from './audience-changes';
import type { ServiceDeps } from './deps';

export class PrivacyService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly audience: AudienceChanges,
  ) {}

  /** Read fresh: a connection's auth context may predate a change made on another device. */
  async get(auth: AuthContext): Promise<PrivacySettings> {
    const user = await this.deps.store.getUser(auth.user.id);
    if (!user) throw new AppError('not_found', 'Your account no longer exists.');
    return { presence: user.presenceVisibility };
  }

  async update(auth: AuthContext, patch: UpdatePrivacyBody): Promise<PrivacySettings> {
    const current = await this.get(auth);
    if (patch.presence === undefined || patch.presence === current.presence) return current;
    const presence = patch.presence;
    const privacy: PrivacySettings = { ...current, presence };
    await this.audience.setting(auth.user.id, () =>
      this.deps.store.transaction(async (tx) => {
        await tx.setPresenceVisibility(auth.user.id, presence);
        await tx.emit(topics.user(auth.user.id), { v: 1, type: 'privacy.updated', userId: auth.user.id, privacy });
      }),
    );
    return privacy;
  }
}
