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
import { parseJid } from '../jid';
import { StanzaError, type Router, type XmppContext } from '../router';
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

/** RFC 6121 4.6: at most this many users get directed presence from one resource. */
export const MAX_DIRECTED = 100;

/**
 * The user a presence is directed to (RFC 6121 4.6): null for a broadcast (no `to`, or our
 * own JID), '' for anything else (another domain, ourselves, no such account: ignored
 * silently, as RFC 6121 8.5.2.2.1 and 8.5.4 say for presence).
 */
async function directedTo(ctx: XmppContext, stanza: XmlElement): Promise<string | null> {
  const to = stanza.attrs.to;
  if (to === undefined || to === ctx.bareJid) return null;
  const username = ctx.jids.usernameOf(parseJid(to));
  if (!username || username === ctx.auth.user.username) return '';
  return (await ctx.services.accounts.findByUsername(username))[0]?.id ?? '';
}

/** Directed presence (RFC 6121 4.6): this resource's presence to one user, remembered for its unavailable. */
async function direct(ctx: XmppContext, stanza: XmlElement, userId: string, leaving: boolean): Promise<void> {
  if (leaving) ctx.state.directed.delete(userId);
  else {
    if (!ctx.state.directed.has(userId) && ctx.state.directed.size >= MAX_DIRECTED) {
      throw new StanzaError('resource-constraint', 'wait', `directed presence goes to at most ${MAX_DIRECTED} users`);
    }
    ctx.state.directed.add(userId);
  }
  const device: ResourcePresence = {
    resource: ctx.resource,
    status: leaving ? 'offline' : statusOf(stanza),
    priority: priorityOf(stanza),
  };
  const statusText = ownStatusText(stanza);
  if (!leaving && statusText !== null) device.statusText = statusText;
  await ctx.services.presence.direct(ctx.auth, userId, device);
}

async function available(ctx: XmppContext, stanza: XmlElement): Promise<void> {
  const target = await directedTo(ctx, stanza);
  if (target !== null) return target === '' ? undefined : direct(ctx, stanza, target, false);
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
  const target = await directedTo(ctx, stanza);
  if (target !== null) return target === '' ? undefined : direct(ctx, stanza, target, true);
  // RFC 6121 4.6.3: going unavailable ends every directed presence too.
  const directed = [...ctx.state.directed];
  ctx.state.directed.clear();
  for (const userId of directed) {
    await ctx.services.presence.direct(ctx.auth, userId, { resource: ctx.resource, status: 'offline', priority: 0 });
  }
  if (!ctx.state.available) return;
  ctx.state.available = false;
  ctx.state.rooms.clear(); // XEP-0045 7.14: going offline leaves every room
  await ctx.services.presence.disconnected(ctx.auth.user.id, ctx.connectionId);
}

export function registerPresence(router: Router): void {
  router.on('presence/available', available).on('presence/unavailable', unavailable);
}
