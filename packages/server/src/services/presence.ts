/**
 * Presence: each connected device reports online, away or busy; a user's status is
 * the strongest over their devices (busy > online > away), offline when none is
 * connected, and `lastSeenAt` is stored when the last device goes. Device state
 * lives on the node holding the connection; changes go out on the bus to the
 * user's audience only. Who that is, and who sees what, is decided in audience.ts
 * (domain/privacy.ts): this file only calls it.
 *
 * Cluster note: this aggregates the devices on this node. A multi-node deployment
 * must share device state through the bus (ROADMAP.md); the service API stays.
 */
import type { Presence, PresenceStatus, SettablePresence } from '@parley/protocol';
import { topics } from '../ports/bus';
import type { AuthContext } from './accounts';
import { hiddenPresence, presenceAudience, visibleTo } from './audience';
import type { ServiceDeps } from './deps';

const strength: Record<SettablePresence, number> = { busy: 3, online: 2, away: 1 };

export function aggregate(statuses: Iterable<SettablePresence>): PresenceStatus {
  let best: SettablePresence | undefined;
  for (const s of statuses) if (!best || strength[s] > strength[best]) best = s;
  return best ?? 'offline';
}

export class PresenceService {
  /** userId -> connectionId -> status */
  private readonly devices = new Map<string, Map<string, SettablePresence>>();

  constructor(private readonly deps: ServiceDeps) {}

  statusOf(userId: string): PresenceStatus {
    const devices = this.devices.get(userId);
    return devices ? aggregate(devices.values()) : 'offline';
  }

  async connected(userId: string, connectionId: string): Promise<void> {
    const before = this.statusOf(userId);
    let devices = this.devices.get(userId);
    if (!devices) {
      devices = new Map();
      this.devices.set(userId, devices);
    }
    devices.set(connectionId, 'online');
    await this.announceIfChanged(userId, before);
  }

  async disconnected(userId: string, connectionId: string): Promise<void> {
    const devices = this.devices.get(userId);
    if (!devices?.has(connectionId)) return;
    const before = this.statusOf(userId);
    devices.delete(connectionId);
    if (devices.size === 0) {
      this.devices.delete(userId);
      await this.deps.store.setLastSeen(userId, this.deps.clock.now());
    }
    await this.announceIfChanged(userId, before);
  }

  async set(auth: AuthContext, connectionId: string, status: SettablePresence): Promise<void> {
    const devices = this.devices.get(auth.user.id);
    if (!devices?.has(connectionId)) return;
    const before = this.statusOf(auth.user.id);
    devices.set(connectionId, status);
    await this.announceIfChanged(auth.user.id, before);
  }

  async get(auth: AuthContext, userIds: readonly string[]): Promise<Presence[]> {
    const unique = [...new Set(userIds)];
    const [users, visible] = await Promise.all([
      this.deps.store.getUsers(unique),
      visibleTo(this.deps.store, auth.user.id, unique),
    ]);
    return users.map((user) =>
      visible.has(user.id)
        ? { userId: user.id, status: this.statusOf(user.id), lastSeenAt: user.lastSeenAt }
        : hiddenPresence(user.id),
    );
  }

  /**
   * Tells viewers whose view of the user just changed (a block, a contact, a setting, a first
   * post): `shown` get the presence as it is now, `hidden` a stranger's answer.
   */
  async reveal(userId: string, viewers: { shown: readonly string[]; hidden: readonly string[] }): Promise<void> {
    if (viewers.shown.length > 0) {
      const lastSeenAt = (await this.deps.store.getUser(userId))?.lastSeenAt ?? null;
      const presence = { userId, status: this.statusOf(userId), lastSeenAt };
      await this.deps.bus.publish(topics.presence, { v: 1, type: 'presence', presence, audience: [...viewers.shown] });
    }
    if (viewers.hidden.length > 0) {
      const presence = hiddenPresence(userId);
      await this.deps.bus.publish(topics.presence, { v: 1, type: 'presence', presence, audience: [...viewers.hidden] });
    }
  }

  private async announceIfChanged(userId: string, before: PresenceStatus): Promise<void> {
    const status = this.statusOf(userId);
    if (status === before) return;
    const lastSeenAt =
      status === 'offline' ? this.deps.clock.now() : ((await this.deps.store.getUser(userId))?.lastSeenAt ?? null);
    const audience = await presenceAudience(this.deps.store, userId);
    audience.push(userId); // the user's other devices see their own aggregated status
    await this.deps.bus.publish(topics.presence, {
      v: 1,
      type: 'presence',
      presence: { userId, status, lastSeenAt },
      audience,
    });
  }
}
