/**
 * Bus events to stanzas for one bound resource, and the offline catch-up at
 * bind (RFC 6121 8.5.2 / XEP-0160: messages stored while the user was away are
 * delivered when a resource comes online). Called in order, one event at a time,
 * from the session's outbound queue. Writing a message from someone else moves
 * the member's delivered cursor, which native senders see as "delivered".
 */
import type { Conversation, Message } from '@parley/protocol';
import { AppError } from '../../domain/errors';
import type { BusEvent, MessageRoute } from '../../ports/bus-events';
import { onRemovedFromRoom, onRoomDestroyed, onRoomChanged, onRoomNick } from './handlers/muc';
import { inviteStanza } from './handlers/muc-admin';
import { messagePayload } from './handlers/message-changes';
import { groupchatStanza } from './handlers/muc-messages';
import { pubsubEventFor } from './handlers/pep';
import { devicePresences, presenceStanza, resourcePresenceStanza } from './handlers/presence';
import { chatStateStanza, receiptStanza } from './handlers/receipts';
import { blockPush } from './handlers/blocking';
import { onContactEvent, onContactsChanged, onSubscriptionChanged } from './handlers/roster';
import type { XmppContext } from './router';
import { deliveryOf, withResource } from './routing';
import { el, type XmlElement } from './xml';

export const NS_SID = 'urn:xmpp:sid:0';
export const NS_CARBONS = 'urn:xmpp:carbons:2';
export const NS_FORWARD = 'urn:xmpp:forward:0';
export const NS_DELAY = 'urn:xmpp:delay';
export const NS_MARKERS = 'urn:xmpp:chat-markers:0';

/** What the session gives outbound besides its context. */
export interface OutboundTarget {
  readonly written: Map<string, number>;
  /**
   * The stream is attached: what is written reaches the client now. A detached session
   * (XEP-0198, waiting for a resume that may never come, or that lands on another node)
   * keeps stanzas without moving the delivered cursor, so a new session gets them offline.
   */
  readonly attached: boolean;
  /** What a detached session wrote without moving the cursor (conversation -> seq), moved on resume. */
  readonly heldBack: Map<string, number>;
}

/** XEP-0198: the stream resumed, so what the detached session wrote reached the client. */
export async function resumedDelivery(ctx: XmppContext, target: OutboundTarget): Promise<void> {
  const held = new Map(target.heldBack);
  target.heldBack.clear();
  await writeDelivered(ctx, held);
}

interface Lookups {
  usernames: Map<string, string>;
  conversations: Map<string, Conversation>;
  /** Room nicknames by `<conversationId> <userId>`, kept current by `room.nick` events. */
  nicks: Map<string, string>;
}
const lookups = new WeakMap<XmppContext, Lookups>();

function cache(ctx: XmppContext): Lookups {
  let found = lookups.get(ctx);
  if (!found) {
    found = {
      usernames: new Map([[ctx.auth.user.id, ctx.auth.user.username]]),
      conversations: new Map(),
      nicks: new Map(),
    };
    lookups.set(ctx, found);
  }
  return found;
}

export async function usernameOf(ctx: XmppContext, userId: string): Promise<string> {
  const c = cache(ctx);
  const known = c.usernames.get(userId);
  if (known !== undefined) return known;
  const user = await ctx.services.accounts.getUser(userId);
  c.usernames.set(userId, user.username);
  return user.username;
}

/** Usernames of many users, the unknown ones in one read per 500 (a room's occupant list). */
export async function usernamesOf(ctx: XmppContext, userIds: readonly string[]): Promise<void> {
  const c = cache(ctx);
  const missing = [...new Set(userIds.filter((id) => !c.usernames.has(id)))];
  for (let i = 0; i < missing.length; i += 500) {
    for (const user of await ctx.services.accounts.getUsers(missing.slice(i, i + 500))) {
      c.usernames.set(user.id, user.username);
    }
  }
}

/** A member's room nickname (XEP-0045): the stored one, else their username. */
export async function nickOf(ctx: XmppContext, conversationId: string, userId: string): Promise<string> {
  const known = cache(ctx).nicks.get(`${conversationId} ${userId}`);
  if (known !== undefined) return known;
  await nicksOf(ctx, conversationId, [userId]);
  return cache(ctx).nicks.get(`${conversationId} ${userId}`) ?? (await usernameOf(ctx, userId));
}

/** Room nicknames of many members, the unknown ones in one read per 500 (a room's occupant list). */
export async function nicksOf(ctx: XmppContext, conversationId: string, userIds: readonly string[]): Promise<void> {
  const c = cache(ctx);
  const missing = [...new Set(userIds.filter((id) => !c.nicks.has(`${conversationId} ${id}`)))];
  for (let i = 0; i < missing.length; i += 500) {
    const found = await ctx.services.conversations.roomNicks(conversationId, missing.slice(i, i + 500));
    for (const [userId, nick] of found) c.nicks.set(`${conversationId} ${userId}`, nick);
  }
}

/** A nickname as a `room.nick` event announced it. */
export function rememberNick(ctx: XmppContext, conversationId: string, userId: string, nick: string): void {
  cache(ctx).nicks.set(`${conversationId} ${userId}`, nick);
}

export async function conversationOf(ctx: XmppContext, id: string): Promise<Conversation> {
  const c = cache(ctx);
  const known = c.conversations.get(id);
  if (known) return known;
  const conversation = await ctx.services.conversations.get(ctx.auth, id);
  c.conversations.set(id, conversation);
  return conversation;
}

/** Keeps the latest state of a conversation (the room diff of onRoomChanged needs the previous one). */
export function remember(ctx: XmppContext, conversation: Conversation): Conversation | undefined {
  const c = cache(ctx);
  const before = c.conversations.get(conversation.id);
  c.conversations.set(conversation.id, conversation);
  return before;
}

/** The id XMPP peers know a message by: the sender's stanza id when it came over XMPP. */
export function stanzaIdOf(message: Message): string {
  return message.clientId.startsWith('x_') ? message.clientId.slice(2) : message.id;
}

/** The client id under which a stanza is stored (idempotent per sender and stanza id). */
export function clientIdFor(stanzaId: string | undefined): string | null {
  return stanzaId && /^[A-Za-z0-9_-]{1,62}$/.test(stanzaId) ? `x_${stanzaId}` : null;
}

export function otherMember(ctx: XmppContext, conversation: Conversation): string | undefined {
  return conversation.members.find((m) => m.userId !== ctx.auth.user.id)?.userId;
}

/**
 * A direct message as this resource sees it; null when it must not get it. `route` (live
 * delivery only) names the sender's device and the addressed resource: the message comes
 * from the sender's full JID and goes where routing.ts says (RFC 6121 8.5, XEP-0280).
 */
export async function chatStanza(
  ctx: XmppContext,
  message: Message,
  delayed: boolean,
  route?: MessageRoute,
): Promise<XmlElement | null> {
  const conversation = await conversationOf(ctx, message.conversationId);
  if (conversation.kind !== 'direct') return delayed ? null : groupchatStanza(ctx, message, false);
  // Text and files as a body; update entries as XEP-0308/0424/0444 elements; nothing for the rest.
  const payload = await messagePayload(ctx, message);
  if (!payload) return null;
  const sid = el('stanza-id', { xmlns: NS_SID, id: message.id, by: ctx.bareJid });
  const delay = delayed
    ? [el('delay', { xmlns: NS_DELAY, from: ctx.jids.domain, stamp: new Date(message.createdAt).toISOString() })]
    : [];
  if (message.senderId === ctx.auth.user.id) {
    // Our own message: not back to the resource that sent it; to the others only as a carbon (XEP-0280).
    if (ctx.state.sentClientIds.delete(message.clientId) || !ctx.state.carbons || delayed) return null;
    if (route?.resource === ctx.resource) return null;
    const otherId = otherMember(ctx, conversation);
    if (!otherId) return null;
    const inner = el(
      'message',
      {
        xmlns: 'jabber:client',
        type: 'chat',
        id: stanzaIdOf(message),
        from: withResource(ctx.bareJid, route?.resource),
        to: withResource(ctx.jids.user(await usernameOf(ctx, otherId)), route?.to),
      },
      ...payload,
      sid,
    );
    return el(
      'message',
      { type: 'chat', from: ctx.bareJid, to: ctx.fullJid },
      el('sent', { xmlns: NS_CARBONS }, el('forwarded', { xmlns: NS_FORWARD }, inner)),
    );
  }
  const from = withResource(ctx.jids.user(await usernameOf(ctx, message.senderId)), route?.resource);
  const readable = message.content.type === 'text' || message.content.type === 'file';
  const markable = readable ? [el('markable', { xmlns: NS_MARKERS })] : [];
  if (!delayed && deliveryOf(ctx, route) === 'carbon') {
    // RFC 6121 8.5: another resource has it (the addressed one, or one of higher priority); this one only as a
    // `received` carbon, if it enabled carbons (XEP-0280 6).
    if (!ctx.state.carbons) return null;
    const inner = el(
      'message',
      { xmlns: 'jabber:client', type: 'chat', id: stanzaIdOf(message), from, to: withResource(ctx.bareJid, route?.to) },
      ...payload,
      sid,
      ...markable,
    );
    return el(
      'message',
      { type: 'chat', from: ctx.bareJid, to: ctx.fullJid },
      el('received', { xmlns: NS_CARBONS }, el('forwarded', { xmlns: NS_FORWARD }, inner)),
    );
  }
  return el(
    'message',
    { type: 'chat', id: stanzaIdOf(message), from, to: ctx.fullJid },
    ...payload,
    sid,
    ...markable,
    ...delay,
  );
}

/** Writes a message once; true when it moves the delivered cursor (someone else's message, not a system entry). */
async function deliverMessage(
  ctx: XmppContext,
  target: OutboundTarget,
  message: Message,
  delayed: boolean,
  route?: MessageRoute,
) {
  const seen = target.written.get(message.conversationId) ?? 0;
  if (message.seq <= seen) return false;
  target.written.set(message.conversationId, message.seq);
  const stanza = await chatStanza(ctx, message, delayed, route);
  if (stanza) ctx.send(stanza);
  return message.senderId !== ctx.auth.user.id && message.content.type !== 'system';
}

/**
 * Delivered cursors waiting to be written, per resource: a burst of messages moves
 * each conversation's cursor with one write after the burst (a flush queued behind
 * the events already waiting), not one write per message per occupant.
 */
const pendingDelivered = new WeakMap<XmppContext, Map<string, number>>();

/**
 * Moves the delivered cursor after the burst, or, while the stream is detached
 * (XEP-0198, waiting for a resume that may never come or lands on another node),
 * only when it is resumed: a new session then gets those messages offline.
 */
function markDelivered(ctx: XmppContext, target: OutboundTarget, conversationId: string, seq: number): void {
  if (!target.attached) {
    target.heldBack.set(conversationId, Math.max(target.heldBack.get(conversationId) ?? 0, seq));
    return;
  }
  let pending = pendingDelivered.get(ctx);
  if (!pending) {
    pending = new Map();
    pendingDelivered.set(ctx, pending);
    ctx.enqueue(() => flushDelivered(ctx));
  }
  pending.set(conversationId, Math.max(pending.get(conversationId) ?? 0, seq));
}

async function flushDelivered(ctx: XmppContext): Promise<void> {
  const pending = pendingDelivered.get(ctx);
  pendingDelivered.delete(ctx);
  if (pending) await writeDelivered(ctx, pending);
}

async function writeDelivered(ctx: XmppContext, cursors: Map<string, number>): Promise<void> {
  for (const [conversationId, seq] of cursors) {
    try {
      await ctx.services.receipts.setReceipt(ctx.auth, conversationId, 'delivered', seq);
    } catch (error) {
      // Removed from the conversation meanwhile: nothing to mark.
      if (!(error instanceof AppError)) throw error;
    }
  }
}

/**
 * Events this resource would turn into nothing, dropped before they are queued (a
 * room of 500 makes 500 receipts per message): its own typing and receipts, and
 * typing and receipts of rooms (XMPP shows them in direct chats only).
 */
export function droppedEarly(ctx: XmppContext, event: BusEvent): boolean {
  if (event.type !== 'typing' && event.type !== 'receipt') return false;
  if (event.userId === ctx.auth.user.id) return true;
  const known = cache(ctx).conversations.get(event.conversationId);
  return known !== undefined && known.kind !== 'direct';
}

export async function handleEvent(ctx: XmppContext, target: OutboundTarget, event: BusEvent): Promise<void> {
  switch (event.type) {
    case 'message.new':
      if (await deliverMessage(ctx, target, event.message, false, event.route)) {
        markDelivered(ctx, target, event.message.conversationId, event.message.seq);
      }
      return;
    case 'typing':
    case 'receipt': {
      if (event.userId === ctx.auth.user.id) return;
      const conversation = await conversationOf(ctx, event.conversationId);
      if (conversation.kind !== 'direct') return;
      const from = ctx.jids.user(await usernameOf(ctx, event.userId));
      const stanza =
        event.type === 'typing'
          ? chatStateStanza(ctx, from, event.typing)
          : await receiptStanza(ctx, from, event.conversationId, event.kind, event.seq);
      if (stanza) ctx.send(stanza);
      return;
    }
    case 'presence': {
      // A device's change reached us as `presence.resource` already; this is a change of who may see
      // the user (a block, a setting): offline as unavailable from the bare JID, else each resource.
      if (!ctx.state.available || event.byDevice || event.presence.userId === ctx.auth.user.id) return;
      const user = await ctx.services.accounts.getUser(event.presence.userId);
      if (event.presence.status === 'offline') ctx.send(presenceStanza(ctx, user, 'offline'));
      else for (const stanza of devicePresences(ctx, user, ctx.services.presence.devicesOf(user.id))) ctx.send(stanza);
      return;
    }
    case 'presence.resource': {
      // RFC 6121 4: each resource comes and goes from its full JID (our own resource: not to itself).
      if (!ctx.state.available) return;
      if (event.userId === ctx.auth.user.id && event.device.resource === ctx.resource) return;
      ctx.send(resourcePresenceStanza(ctx, await ctx.services.accounts.getUser(event.userId), event.device));
      return;
    }
    case 'user.updated': {
      // A new display name, status text or avatar (XEP-0153 hash): the presence again, if they are online.
      if (!ctx.state.available) return;
      // XEP-0084 on PEP: the avatar metadata node's notification, when the avatar changed.
      const notification = await pubsubEventFor(ctx, event.user);
      if (notification) ctx.send(notification);
      if (event.user.id === ctx.auth.user.id) return;
      const [visible] = await ctx.services.presence.visibleDevices(ctx.auth, [event.user.id]);
      for (const stanza of devicePresences(ctx, event.user, visible?.devices ?? [])) ctx.send(stanza);
      return;
    }
    case 'conversation.updated': {
      await onRoomChanged(ctx, remember(ctx, event.conversation), event.conversation);
      const invitation = await inviteStanza(ctx, event.conversation);
      if (invitation) ctx.send(invitation);
      return;
    }
    case 'room.nick':
      await onRoomNick(ctx, event);
      return;
    case 'conversation.removed':
      cache(ctx).conversations.delete(event.conversationId);
      onRemovedFromRoom(ctx, event.conversationId);
      return;
    case 'conversation.deleted':
      cache(ctx).conversations.delete(event.conversationId);
      onRoomDestroyed(ctx, event.conversationId);
      return;
    case 'contacts.changed':
      await onContactsChanged(ctx, event.ownerId, event.contactId, event.added);
      return;
    case 'subscription.changed':
      await onSubscriptionChanged(ctx, event.requesterId, event.targetId, event.state);
      return;
    case 'block.updated':
      ctx.send(blockPush(ctx, await usernameOf(ctx, event.userId), event.blocked));
      return;
    case 'contact.updated':
      await onContactEvent(ctx, event.ownerId, event.contact.userId);
      return;
    case 'contact.removed':
      await onContactEvent(ctx, event.ownerId, event.userId);
      return;
    case 'session.revoked':
    case 'privacy.updated': // no XMPP form: the presence it changes reaches XMPP clients as presence
    case 'member.updated': // per-member settings have no XMPP form yet
    case 'report.new':
    case 'node.devices': // the presence registry's own traffic
    case 'node.heartbeat':
    case 'node.hello':
    case 'node.leaving':
    case 'call.updated': // no Jingle yet: XMPP clients see calls as their record messages
    case 'call.signal':
    case 'group_call.updated': // XMPP clients cannot join: media goes through Parley's signalling only
    case 'interaction.new': // bots have no XMPP login
    case 'interaction.updated': // XMPP clients invoke no commands: a `/roll` goes out as text
      return;
  }
}

/**
 * Everything after what this resource has written (at bind: after the delivered
 * cursors), in order, then the cursors move (bounded number of pages). Also how a
 * resource catches up when the bus may have lost events for it (resync).
 */
export async function deliverOffline(ctx: XmppContext, target: OutboundTarget): Promise<void> {
  for (let page = 0; page < 100; page++) {
    const { messages, truncated } = await ctx.services.sync.sync(ctx.auth, {
      cursors: Object.fromEntries(target.written),
    });
    const last = new Map<string, number>();
    for (const message of messages) {
      if (await deliverMessage(ctx, target, message, true)) last.set(message.conversationId, message.seq);
      else last.set(message.conversationId, Math.max(last.get(message.conversationId) ?? 0, message.seq));
    }
    for (const [conversationId, seq] of last) markDelivered(ctx, target, conversationId, seq);
    if (truncated.length === 0) return;
  }
}
