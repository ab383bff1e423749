/**
 * RFC 6121 presence <-> Parley presence. A resource's `<show/>` maps to its
 * device status (none/chat: online, away/xa: away, dnd: busy); Parley aggregates
 * devices, so others see one presence per user, from the bare JID. Priorities
 * choose which resource gets chat messages (receivesBareJidMessages).
 * The initial presence makes the resource available (RFC 6121 4.2) and probes
 * the roster's presence; unavailable or the end of the stream takes it away.
 */
import { truncateText, type PresenceStatus, type SettablePresence, type User } from '@parley/protocol';
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
  if (first) {
    ctx.state.available = true;
    await presence.connected(ctx.auth, {
      connectionId: ctx.connectionId,
      resource: ctx.resource,
      priority: ctx.state.priority,
      xmpp: true,
    });
  }
  await applyStatusText(ctx, stanza);
  await presence.set(ctx.auth, ctx.connectionId, statusOf(stanza), ctx.state.priority);
  if (!first) return;
  await pendingRequests(ctx);
  // The probe of RFC 6121 4.3: the current presence of everyone on the roster who is online,
  // as far as this user may see it (the presence service applies the audience rules).
  const roster = (await ctx.services.contacts.presenceRelations(ctx.auth)).map((r) => r.user);
  const states = await presence.get(
    ctx.auth,
    roster.map((u) => u.id),
  );
  const users = new Map(roster.map((u) => [u.id, u]));
  for (const state of states) {
    const user = users.get(state.userId);
    if (user && state.status !== 'offline') ctx.send(presenceStanza(ctx, user, state.status));
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
