/**
 * RFC 6121 roster = Parley contacts. Each contact is an item with subscription
 * `from` (a Parley contact sees your presence) or `both` (they have you in their
 * contacts too, so you see theirs). Roster set adds a contact, remove deletes it,
 * and every resource of the owner gets a roster push (from the bus event).
 * Subscription stanzas map to what Parley can express: `subscribed` lets the
 * peer see you (adds them), `unsubscribed` stops it (removes them); `subscribe`
 * is answered at once when the peer already lets you see them, otherwise it
 * stays unanswered (Parley keeps no pending requests); `unsubscribe` cannot
 * change someone else's contact list and is ignored. Groups, names and roster
 * versioning are not stored.
 */
import type { User } from '@parley/protocol';
import { AppError } from '../../../domain/errors';
import { parseJid } from '../jid';
import { StanzaError, type Router, type XmppContext } from '../router';
import { children, el, type XmlElement } from '../xml';

export const NS_ROSTER = 'jabber:iq:roster';

function item(ctx: XmppContext, user: User, mutual: boolean): XmlElement {
  return el('item', {
    jid: ctx.jids.user(user.username),
    name: user.displayName,
    subscription: mutual ? 'both' : 'from',
  });
}

async function userByJid(ctx: XmppContext, jid: string | undefined): Promise<User> {
  const username = ctx.jids.usernameOf(parseJid(jid));
  const user = username ? (await ctx.services.accounts.findByUsername(username))[0] : undefined;
  if (!user) throw new StanzaError('item-not-found', 'cancel', `no user ${jid ?? ''} on ${ctx.jids.domain}`);
  return user;
}

export async function rosterPush(ctx: XmppContext, contactId: string, added: boolean): Promise<void> {
  const user = await ctx.services.accounts.getUser(contactId);
  const entry = added
    ? ((await ctx.services.contacts.listContactsWithMutual(ctx.auth)).find((c) => c.user.id === contactId) ?? null)
    : null;
  const pushed = entry
    ? item(ctx, entry.user, entry.mutual)
    : el('item', { jid: ctx.jids.user(user.username), subscription: 'remove' });
  ctx.send(
    el(
      'iq',
      { type: 'set', id: `push-${Date.now().toString(36)}`, to: ctx.fullJid },
      el('query', { xmlns: NS_ROSTER }, pushed),
    ),
  );
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
  router.onIq('get', NS_ROSTER, async (ctx) => {
    const contacts = await ctx.services.contacts.listContactsWithMutual(ctx.auth);
    return el('query', { xmlns: NS_ROSTER }, ...contacts.map((c) => item(ctx, c.user, c.mutual)));
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
    await addOrRemove(ctx, user, first.attrs.subscription !== 'remove');
  });
  router.on('presence/subscribed', async (ctx, stanza) =>
    addOrRemove(ctx, await userByJid(ctx, stanza.attrs.to), true),
  );
  router.on('presence/unsubscribed', async (ctx, stanza) =>
    addOrRemove(ctx, await userByJid(ctx, stanza.attrs.to), false),
  );
  router.on('presence/subscribe', async (ctx, stanza) => {
    const user = await userByJid(ctx, stanza.attrs.to);
    const [state] = await ctx.services.presence.get(ctx.auth, [user.id]);
    const mutual = (await ctx.services.contacts.listContactsWithMutual(ctx.auth)).find((c) => c.user.id === user.id);
    if (!mutual?.mutual) return;
    const from = ctx.jids.user(user.username);
    ctx.send(el('presence', { from, to: ctx.bareJid, type: 'subscribed' }));
    if (state && state.status !== 'offline') ctx.send(el('presence', { from, to: ctx.fullJid }));
  });
  router.on('presence/unsubscribe', () => Promise.resolve());
}
