/**
 * Presence: each connected device reports online, away or busy; a user's status is
 * the strongest over their devices (busy > online > away), offline when none is
 * connected, and `lastSeenAt` is stored when the last device goes. Devices live in
 * the presence registry (ports/presence.ts), which every node of a cluster shares:
 * the node where a device changes announces the user's new status to their
 * audience only; the devices of a node that dies are announced by one survivor.
 * Who the audience is, and who sees what, is decided in audience.ts
 * (domain/privacy.ts): this file only calls it.
 */
import { createHash } from 'node:crypto';
import type { Presence, PresenceStatus, SettablePresence } from '@parley/protocol';
import type { DeviceState, PresenceRegistry } from '../ports/presence';
import { topics } from '../ports/bus';
import type { ResourcePresence } from '../ports/bus-events';
import type { AuthContext } from './accounts';
import { hiddenPresence, presenceAudience, visibleTo } from './audience';
import type { ServiceDeps } from './deps';

/**
 * The resource a native device shows to XMPP peers: derived from its session id (stable
 * while the session lives) without revealing it.
 */
export function nativeResource(sessionId: string): string {
  return `parley-${createHash('sha256').update(sessionId).digest('hex').slice(0, 10)}`;
}

function resourcePresence(device: DeviceState, status: ResourcePresence['status']): ResourcePresence {
  const out: ResourcePresence = { resource: device.resource, status, priority: device.priority };
  if (device.statusText !== undefined && status !== 'offline') out.statusText = device.statusText;
  return out;
}

const strength: Record<SettablePresence, number> = { busy: 3, online: 2, away: 1 };

export function aggregate(statuses: Iterable<SettablePresence>): PresenceStatus {
  let best: SettablePresence | undefined;
  for (const s of statuses) if (!best || strength[s] > strength[best]) best = s;
  return best ?? 'offline';
}

/** What a gateway says about a connection that becomes a device. */
export interface DeviceInfo {
  connectionId: string;
  /** Its resource name (XMPP: the bound resource); native devices default to their session id. */
  resource?: string;
  /** XMPP priority; 0 by default. */
  priority?: number;
  /** An XMPP resource (RFC 6121 8.5 routing considers only these). */
  xmpp?: boolean;
  /** Its own status text (an XMPP `<status/>`); absent: the profile's. */
  statusText?: string;
}

/** What a device's presence update may change besides its status. */
export interface DeviceUpdate {
  priority?: number;
  /** Its own status text; null clears it (the profile's shows again). */
  statusText?: string | null;
}

/** The devices of a user whom the viewer may see. */
export interface VisibleDevices {
  userId: string;
  devices: DeviceState[];
}

export class PresenceService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly registry: PresenceRegistry,
  ) {
    registry.onDevicesLost((lost) => {
      this.devicesLost(lost).catch((error: unknown) =>
        deps.logger.error({ err: error }, 'presence: announcing the users of a lost node failed'),
      );
    });
  }

  /** A user's presence over all their devices, on every node. */
  statusOf(userId: string): PresenceStatus {
    return aggregate(this.registry.devicesOf(userId).map((d) => d.status));
  }

  /** Every connected device of a user, on every node (XMPP routes by them). */
  devicesOf(userId: string): DeviceState[] {
    return this.registry.devicesOf(userId);
  }

  async connected(auth: AuthContext, device: DeviceInfo): Promise<void> {
    const userId = auth.user.id;
    const before = this.statusOf(userId);
    this.registry.put({
      userId,
      connectionId: device.connectionId,
      sessionId: auth.session.id,
      resource: device.resource ?? nativeResource(auth.session.id),
      status: 'online',
      priority: device.priority ?? 0,
      ...(device.xmpp ? { xmpp: true } : {}),
      ...(device.statusText !== undefined ? { statusText: device.statusText } : {}),
    });
    await this.announceDevice(userId, device.connectionId);
    await this.announceIfChanged(userId, before);
  }

  async disconnected(userId: string, connectionId: string): Promise<void> {
    const before = this.statusOf(userId);
    const removed = this.registry.remove(connectionId);
    if (!removed) return;
    await this.announceGone([removed]);
    if (this.registry.devicesOf(userId).length === 0) {
      await this.deps.store.setLastSeen(userId, this.deps.clock.now());
    }
    await this.announceIfChanged(userId, before);
  }

  async set(
    auth: AuthContext,
    connectionId: string,
    status: SettablePresence,
    update: DeviceUpdate = {},
  ): Promise<void> {
    const device = this.registry.devicesOf(auth.user.id).find((d) => d.connectionId === connectionId);
    if (!device) return;
    const before = this.statusOf(auth.user.id);
    const { nodeId: _node, statusText: oldText, ...mine } = device;
    const statusText = update.statusText === undefined ? oldText : (update.statusText ?? undefined);
    const next = { ...mine, status, priority: update.priority ?? device.priority };
    this.registry.put(statusText === undefined ? next : { ...next, statusText });
    const same =
      status === device.status && next.priority === device.priority && (statusText ?? null) === (oldText ?? null);
    if (!same) await this.announceDevice(auth.user.id, connectionId);
    await this.announceIfChanged(auth.user.id, before);
  }

  /**
   * RFC 6121 4.6 directed presence: one device's presence to one user, whether or not they
   * are in the audience (the sender chose to show it), unless a block stands either way.
   */
  async direct(auth: AuthContext, toUserId: string, device: ResourcePresence): Promise<void> {
    const { store } = this.deps;
    if ((await store.isBlocked(toUserId, auth.user.id)) || (await store.isBlocked(auth.user.id, toUserId))) return;
    await this.deps.events.publish(topics.presence, {
      v: 1,
      type: 'presence.resource',
      userId: auth.user.id,
      device,
      audience: [toUserId],
    });
  }

  /**
   * The connected devices of each user the viewer may see (RFC 6121 4.3 probes: XMPP
   * sends one presence per resource); users the viewer may not see are left out.
   */
  async visibleDevices(auth: AuthContext, userIds: readonly string[]): Promise<VisibleDevices[]> {
    const unique = [...new Set(userIds)];
    const visible = await visibleTo(this.deps.store, auth.user.id, unique);
    return unique
      .filter((id) => id === auth.user.id || visible.has(id))
      .map((userId) => ({ userId, devices: this.registry.devicesOf(userId) }))
      .filter((entry) => entry.devices.length > 0);
  }

  /** The devices of a node that stopped answering are gone: their users may now be offline. */
  private async devicesLost(lost: readonly DeviceState[]): Promise<void> {
    const byUser = new Map<string, SettablePresence[]>();
    for (const device of lost) byUser.set(device.userId, [...(byUser.get(device.userId) ?? []), device.status]);
    await this.announceGone(lost);
    const now = this.deps.clock.now();
    for (const [userId, statuses] of byUser) {
      const remaining = this.registry.devicesOf(userId).map((d) => d.status);
      const before = aggregate([...remaining, ...statuses]);
      if (remaining.length === 0) await this.deps.store.setLastSeen(userId, now);
      await this.announceIfChanged(userId, before);
    }
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
      await this.deps.events.publish(topics.presence, {
        v: 1,
        type: 'presence',
        presence,
        audience: [...viewers.shown],
      });
    }
    if (viewers.hidden.length > 0) {
      const presence = hiddenPresence(userId);
      await this.deps.events.publish(topics.presence, {
        v: 1,
        type: 'presence',
        presence,
        audience: [...viewers.hidden],
      });
    }
  }

  /** One device's presence as it is now, to the user's audience and the user's other devices. */
  private async announceDevice(userId: string, connectionId: string): Promise<void> {
    const device = this.registry.devicesOf(userId).find((d) => d.connectionId === connectionId);
    if (!device) return;
    await this.publishDevice(userId, resourcePresence(device, device.status));
  }

  /** Devices that left: each one's `offline`, to the audience of its user. */
  private async announceGone(devices: readonly DeviceState[]): Promise<void> {
    for (const device of devices) await this.publishDevice(device.userId, resourcePresence(device, 'offline'));
  }

  private async publishDevice(userId: string, device: ResourcePresence): Promise<void> {
    const audience = await presenceAudience(this.deps.store, userId);
    audience.push(userId); // the user's other resources see it too (RFC 6121 4.2.2)
    await this.deps.events.publish(topics.presence, { v: 1, type: 'presence.resource', userId, device, audience });
  }

  private async announceIfChanged(userId: string, before: PresenceStatus): Promise<void> {
    const status = this.statusOf(userId);
    if (status === before) return;
    const lastSeenAt =
      status === 'offline' ? this.deps.clock.now() : ((await this.deps.store.getUser(userId))?.lastSeenAt ?? null);
    const audience = await presenceAudience(this.deps.store, userId);
    audience.push(userId); // the user's other devices see their own aggregated status
    await this.deps.events.publish(topics.presence, {
      v: 1,
      type: 'presence',
      presence: { userId, status, lastSeenAt },
      audience,
      byDevice: true,
    });
  }
}
