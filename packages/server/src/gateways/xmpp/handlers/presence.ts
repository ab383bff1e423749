/**
 * RFC 6121 presence <-> Parley presence. A resource's `<show/>` maps to its
 * device status (none/chat: online, away/xa: away, dnd: busy), with its priority
 * (routing.ts) and `<status/>` text kept per device in the cluster-wide registry.
 * Others see each resource (native devices included) come and go from its full JID
 * (RFC 6121 4): the presence service announces every device change to the user's
 * audience. The initial presence makes the resource available (4.2) and probes the
 * roster's presence, one stanza per resource (4.3); unavailable or the end of the
 * stream takes it away (4.5).
 */
import { truncateText, type PresenceStatus, type SettablePresence, type User } from '@parley/protocol';
import type { ResourcePresence } from '../../../ports/bus-events';
import type { DeviceState } from '../../../ports/presence';
import type { Router, XmppContext } from '../router';
import { pendingRequests } from './roster';
import { photoUpdate } from './vcard';
import { child, el, text, type XmlElement } from '../xml';

/**
 * A user's aggregated presence: `<show/>` from the status, `<status/>` from the
 * profile's status text, and the XEP-0153 avatar hash.
 */
export function presenceStanza(ctx: XmppContext, user: User, status: PresenceStatus): XmlElement {
  const from = ctx.jids.user(user.username);
  if (status === 'offline') return el('presence', { from, to: ctx.fullJid, type: 'unavailable' });
  const show = status === 'away' ? [el('show', {}, 'away')] : status === 'busy' ? [el('show', {}, 'dnd')] : [];
  const text = user.statusText !== null && user.statusText !== '' ? [el('status', {}, user.statusText)] : [];
  return el('presence', { from, to: ctx.fullJid }, ...show, ...text, photoUpdate(ctx, user));
}

/**
 * One resource's presence (RFC 6121 4.7): from its full JID, `<show/>`, `<status/>` (its
 * own text, else the profile's), `<priority/>` and the XEP-0153 avatar hash; `unavailable`
 * when it left.
 */
export function resourcePresenceStanza(ctx: XmppContext, user: User, device: ResourcePresence): XmlElement {
  const from = `${ctx.jids.user(user.username)}/${device.resource}`;
  if (device.status === 'offline') return el('presence', { from, to: ctx.fullJid, type: 'unavailable' });
  const show =
    device.status === 'away' ? [el('show', {}, 'away')] : device.status === 'busy' ? [el('show', {}, 'dnd')] : [];
  const statusText = device.statusText ?? user.statusText;
  const status =
    statusText !== undefined && statusText !== null && statusText !== '' ? [el('status', {}, statusText)] : [];
  const priority = device.priority !== 0 ? [el('priority', {}, String(device.priority))] : [];
  return el('presence', { from, to: ctx.fullJid }, ...show, ...status, ...priority, photoUpdate(ctx, user));
}

/** Every device of a user as presence stanzas (none when the user is offline). */
export function devicePresences(ctx: XmppContext, user: User, devices: readonly DeviceState[]): XmlElement[] {
  return devices
    .filter((d) => d.connectionId !== ctx.connectionId)
    .map((d) => resourcePresenceStanza(ctx, user, resourceOf(d)));
}

function resourceOf(device: DeviceState): ResourcePresence {
  const out: ResourcePresence = { resource: device.resource, status: device.status, priority: device.priority };
  if (device.statusText !== undefined) out.statusText = device.statusText;
  return out;
}

/** A resource's own `<status/>` text (at most 200 characters); null when it has none. */
function ownStatusText(stanza: XmlElement): string | null {
  const element = child(stanza, 'status');
  return element ? truncateText(text(element).trim(), MAX_STATUS_TEXT) || null : null;
}

/**
 * RFC 6121 `<status/>` -> the profile's status text (one per user in Parley, shown to
 * everyone who sees the user): a non-empty `<status/>` sets it, an empty one clears it,
 * a presence without `<status/>` leaves it as it is (clients send many presences without
 * one, which must not wipe a status set elsewhere). At most 200 characters.
 */
async function applyStatusText(ctx: XmppContext, stanza: XmlElement): Promise<void> {
  const element = child(stanza, 'status');
  if (!element) return;
  const wanted = truncateText(text(element).trim(), MAX_STATUS_TEXT) || null;
  const user = await ctx.services.accounts.getUser(ctx.auth.user.id);
  if (user.statusText !== wanted) await ctx.services.accounts.updateProfile(ctx.auth, { statusText: wanted });
}

const MAX_STATUS_TEXT = 200;

/** RFC 6121 4.7.2.3: an integer from -128 to 127; absent or invalid is 0. */
function priorityOf(stanza: XmlElement): number {
  const value = Number(text(child(stanza, 'priority')).trim() || '0');
  return Number.isInteger(value) && value >= -128 && value <= 127 ? value : 0;
}

function statusOf(stanza: XmlElement): SettablePresence {
  const show = text(child(stanza, 'show')).trim();
  if (show === 'away' || show === 'xa') return 'away';
  if (show === 'dnd') return 'busy';
  return 'online';
}

async function available(ctx: XmppContext, stanza: XmlElement): Promise<void> {
  if (stanza.attrs.to !== undefined && stanza.attrs.to !== ctx.bareJid) return; // directed presence: not supported
  const { presence } = ctx.services;
  ctx.state.priority = priorityOf(stanza);
  const first = !ctx.state.available;
  const statusText = ownStatusText(stanza);
  await applyStatusText(ctx, stanza);
  if (first) {
    ctx.state.available = true;
    await presence.connected(ctx.auth, {
      connectionId: ctx.connectionId,
      resource: ctx.resource,
      priority: ctx.state.priority,
      xmpp: true,
      ...(statusText === null ? {} : { statusText }),
    });
  }
  await presence.set(ctx.auth, ctx.connectionId, statusOf(stanza), { priority: ctx.state.priority, statusText });
  if (!first) return;
  await pendingRequests(ctx);
  // The probe of RFC 6121 4.3: each available resource of everyone on the roster, as far as
  // this user may see them (the presence service applies the audience rules), and of the
  // user's own other resources (4.2.2).
  const roster = (await ctx.services.contacts.presenceRelations(ctx.auth)).map((r) => r.user);
  const users = new Map(roster.map((u) => [u.id, u]));
  const visible = await presence.visibleDevices(ctx.auth, [ctx.auth.user.id, ...users.keys()]);
  for (const { userId, devices } of visible) {
    const user = users.get(userId) ?? (await ctx.services.accounts.getUser(userId));
    for (const stanza of devicePresences(ctx, user, devices)) ctx.send(stanza);
  }
}

async function unavailable(ctx: XmppContext, stanza: XmlElement): Promise<void> {
  if (stanza.attrs.to !== undefined || !ctx.state.available) return;
  ctx.state.available = false;
  ctx.state.rooms.clear(); // XEP-0045 7.14: going offline leaves every room
  await ctx.services.presence.disconnected(ctx.auth.user.id, ctx.connectionId);
}

export function registerPresence(router: Router): void {
  router.on('presence/available', available).on('presence/unavailable', unavailable);
}
