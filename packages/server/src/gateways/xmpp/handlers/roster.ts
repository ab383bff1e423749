/**
 * RFC 6121 roster and subscriptions = Parley contacts and subscription requests.
 *
 * In Parley, adding someone as a contact shows them your presence. So, seen from
 * you: a contact you added has subscription `from` (they see you), someone who
 * added you `to` (you see them), both at once `both`; a `subscribe` you sent that
 * the other person has not answered is `ask='subscribe'` (subscription `none` or
 * `from`). Roster set adds a contact (or keeps it) with the item's `name` and
 * `<group/>`s as the contact's nickname and groups (the same fields the native API
 * sets: services/contacts.ts), remove deletes it. Roster pushes (RFC 6121 2.1.6) go to
 * every interested resource (one that requested the roster), on any node, from the
 * durable bus events: `contact.updated` / `contact.removed` for the owner's own
 * changes from any client, `contacts.changed` and `subscription.changed` for the
 * other side's.
 *
 * - `subscribe` to B: answered `subscribed` at once when B already has you as a
 *   contact; otherwise the request is stored (contacts.requestSubscription) and
 *   B's available resources get it now or at their next initial presence.
 * - `subscribed` to A (approve): you add A as a contact, which also clears A's request.
 * - `unsubscribed` to A (deny or revoke): the request goes, and A leaves your contacts.
 * - `unsubscribe` to B: withdraws your request if it still waits; Parley cannot edit
 *   B's contact list, so once approved only B can stop sharing.
 *
 * Roster versioning (RFC 6121 2.6): `ver` is a digest of the roster as this user's
 * resources see it, so a client whose cached version is current gets an empty result
 * and then pushes, each carrying the version after it.
 *
 * An item's `name` is the nickname, or the contact's display name when there is none;
 * a roster set whose name is that display name keeps no nickname (clients echo it).
 */
import { createHash } from 'node:crypto';
import type { Contact, User } from '@parley/protocol';
import { AppError } from '../../../domain/errors';
import { parseJid } from '../jid';
import { StanzaError, type Router, type XmppContext } from '../router';
import { children, el, text, type XmlElement } from '../xml';

export const NS_ROSTER = 'jabber:iq:roster';

/** The resource asked for the roster (RFC 6121 2.1.6: only such resources get roster pushes). */
const interested = new WeakSet<XmppContext['state']>();

interface Relation {
  user: User;
  sharesWithThem: boolean;
  seesThem: boolean;
  asked: boolean;
}

function item(ctx: XmppContext, relation: Relation, contact: Contact | undefined): XmlElement {
  const { user, sharesWithThem, seesThem, asked } = relation;
  const subscription = sharesWithThem ? (seesThem ? 'both' : 'from') : seesThem ? 'to' : 'none';
  return el(
    'item',
    {
      jid: ctx.jids.user(user.username),
      name: contact?.nickname ?? user.displayName,
      subscription,
      ask: asked && !seesThem ? 'subscribe' : undefined,
    },
    ...(contact?.groups ?? []).map((group) => el('group', {}, group)),
  );
}

/** Every roster item as this user sees it now, and the roster's version. */
async function roster(ctx: XmppContext): Promise<{ items: Map<string, XmlElement>; ver: string }> {
  const [relations, details] = await Promise.all([
    ctx.services.contacts.presenceRelations(ctx.auth),
    ctx.services.contacts.contactDetails(ctx.auth),
  ]);
  const items = new Map(relations.map((r) => [r.user.id, item(ctx, r, details.get(r.user.id))]));
  const digest = createHash('sha256');
  for (const element of items.values()) digest.update(JSON.stringify(element)).update('\n');
  return { items, ver: digest.digest('base64url').slice(0, 22) };
}

async function userByJid(ctx: XmppContext, jid: string | undefined): Promise<User> {
  const username = ctx.jids.usernameOf(parseJid(jid));
  const user = username ? (await ctx.services.accounts.findByUsername(username))[0] : undefined;
  if (!user) throw new StanzaError('item-not-found', 'cancel', `no user ${jid ?? ''} on ${ctx.jids.domain}`);
  return user;
}

let pushes = 0;

/**
 * RFC 6121 2.1.6: the roster item of one user as it is now (`remove` when there is no
 * relation left), to this resource if it requested the roster, with the version after it.
 */
export async function rosterPush(ctx: XmppContext, userId: string): Promise<void> {
  if (!interested.has(ctx.state)) return;
  const { items, ver } = await roster(ctx);
  const pushed =
    items.get(userId) ??
    el('item', {
      jid: ctx.jids.user((await ctx.services.accounts.getUser(userId)).username),
      subscription: 'remove',
    });
  ctx.send(
    el(
      'iq',
      { type: 'set', id: `push-${(++pushes).toString(36)}`, to: ctx.fullJid },
      el('query', { xmlns: NS_ROSTER, ver }, pushed),
    ),
  );
}

/** The owner's own contact changes (from any client, on any node) as roster pushes. */
export async function onContactEvent(ctx: XmppContext, ownerId: string, userId: string): Promise<void> {
  if (ownerId === ctx.auth.user.id) await rosterPush(ctx, userId);
}

/** A subscription stanza from another user to this resource's bare JID. */
function subscriptionStanza(ctx: XmppContext, username: string, type: string): XmlElement {
  return el('presence', { from: ctx.jids.user(username), to: ctx.bareJid, type });
}

/** RFC 6121 3.1.3: requests waiting for this user, delivered at initial presence. */
export async function pendingRequests(ctx: XmppContext): Promise<void> {
  for (const user of await ctx.services.contacts.subscriptionRequests(ctx.auth)) {
    ctx.send(subscriptionStanza(ctx, user.username, 'subscribe'));
  }
}

/** Bus events about contacts and requests, as roster pushes and subscription stanzas. */
export async function onContactsChanged(ctx: XmppContext, ownerId: string, contactId: string, added: boolean) {
  const me = ctx.auth.user.id;
  // The owner's own side is pushed from contact.updated / contact.removed (onContactEvent).
  if (ownerId === me || contactId !== me) return;
  // Someone added (approved) or removed us: we now see, or no longer see, them.
  await rosterPush(ctx, ownerId);
  const owner = await ctx.services.accounts.getUser(ownerId);
  ctx.send(subscriptionStanza(ctx, owner.username, added ? 'subscribed' : 'unsubscribed'));
  if (!added || !ctx.state.available) return;
  const [state] = await ctx.services.presence.get(ctx.auth, [ownerId]);
  if (state && state.status !== 'offline') {
    ctx.send(el('presence', { from: ctx.jids.user(owner.username), to: ctx.fullJid }));
  }
}

export async function onSubscriptionChanged(
  ctx: XmppContext,
  requesterId: string,
  targetId: string,
  state: 'requested' | 'denied' | 'cancelled',
) {
  const me = ctx.auth.user.id;
  if (requesterId === me) {
    await rosterPush(ctx, targetId);
    if (state === 'denied') {
      const target = await ctx.services.accounts.getUser(targetId);
      ctx.send(subscriptionStanza(ctx, target.username, 'unsubscribed'));
    }
    return;
  }
  if (targetId !== me || !ctx.state.available) return;
  const requester = await ctx.services.accounts.getUser(requesterId);
  if (state === 'requested') ctx.send(subscriptionStanza(ctx, requester.username, 'subscribe'));
  if (state === 'cancelled') ctx.send(subscriptionStanza(ctx, requester.username, 'unsubscribe'));
}

/**
 * RFC 6121 2.3.3 and 2.1.2: a roster set's name and groups as contact details. A
 * repeated group is `bad-request`; an empty or too long group or name, or one the text
 * rules refuse, `not-acceptable` saying why.
 */
function detailsOf(user: User, element: XmlElement): { nickname: string | null; groups: string[] } {
  const groups = children(element)
    .filter((c) => c.name === 'group')
    .map((g) => text(g));
  if (new Set(groups).size !== groups.length) {
    throw new StanzaError('bad-request', 'modify', 'an item lists the same group twice');
  }
  const name = element.attrs.name;
  return { nickname: name === undefined || name === user.displayName ? null : name, groups };
}

async function setItem(ctx: XmppContext, user: User, element: XmlElement): Promise<void> {
  try {
    await ctx.services.contacts.addContact(ctx.auth, user.id, detailsOf(user, element));
  } catch (error) {
    if (error instanceof AppError && (error.code === 'bad_request' || error.code === 'invalid_text')) {
      throw new StanzaError('not-acceptable', 'modify', error.message);
    }
    throw error;
  }
}

async function addOrRemove(ctx: XmppContext, user: User, add: boolean): Promise<void> {
  try {
    if (add) await ctx.services.contacts.addContact(ctx.auth, user.id);
    else await ctx.services.contacts.removeContact(ctx.auth, user.id);
  } catch (error) {
    // Removing what is not there is a no-op for XMPP clients.
    if (!(error instanceof AppError && error.code === 'not_found' && !add)) throw error;
  }
}

export function registerRoster(router: Router): void {
  router.onIq('get', NS_ROSTER, async (ctx, _iq, query) => {
    interested.add(ctx.state);
    const { items, ver } = await roster(ctx);
    // RFC 6121 2.6.3: the client's cached version is current: an empty result, then pushes.
    if (query.attrs.ver === ver) return;
    return el('query', { xmlns: NS_ROSTER, ver }, ...items.values());
  });
  router.onIq('set', NS_ROSTER, async (ctx, iq, query) => {
    if (iq.attrs.from !== undefined && iq.attrs.from !== ctx.bareJid && iq.attrs.from !== ctx.fullJid) {
      throw new StanzaError('forbidden', 'auth');
    }
    const items = children(query);
    const first = items[0];
    if (items.length !== 1 || !first || first.name !== 'item') throw new StanzaError('bad-request', 'modify');
    const user = await userByJid(ctx, first.attrs.jid);
    if (user.id === ctx.auth.user.id) throw new StanzaError('not-allowed', 'cancel', 'you cannot add yourself');
    if (first.attrs.subscription === 'remove') {
      // RFC 6121 2.5.2: removing an item also withdraws our request and stops sharing.
      await ctx.services.contacts.cancelSubscriptionRequest(ctx.auth, user.id);
      await addOrRemove(ctx, user, false);
    } else await setItem(ctx, user, first);
  });
  router.on('presence/subscribed', async (ctx, stanza) =>
    addOrRemove(ctx, await userByJid(ctx, stanza.attrs.to), true),
  );
  router.on('presence/unsubscribed', async (ctx, stanza) => {
    const user = await userByJid(ctx, stanza.attrs.to);
    await ctx.services.contacts.denySubscription(ctx.auth, user.id);
    await addOrRemove(ctx, user, false);
  });
  router.on('presence/subscribe', async (ctx, stanza) => {
    const user = await userByJid(ctx, stanza.attrs.to);
    if ((await ctx.services.contacts.requestSubscription(ctx.auth, user.id)) === 'pending') return;
    const from = ctx.jids.user(user.username);
    ctx.send(el('presence', { from, to: ctx.bareJid, type: 'subscribed' }));
    const [state] = await ctx.services.presence.get(ctx.auth, [user.id]);
    if (state && state.status !== 'offline') ctx.send(el('presence', { from, to: ctx.fullJid }));
  });
  router.on('presence/unsubscribe', async (ctx, stanza) => {
    const user = await userByJid(ctx, stanza.attrs.to);
    await ctx.services.contacts.cancelSubscriptionRequest(ctx.auth, user.id);
  });
}
