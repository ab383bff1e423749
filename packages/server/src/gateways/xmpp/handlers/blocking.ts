/**
 * XEP-0191 Blocking Command = Parley's block list: a block stops direct messages both
 * ways, hides each one's presence from the other, and keeps the blocked user's typing,
 * receipts, reactions, mentions and invitations from the blocker (docs/protocol.md).
 * A block or unblock made anywhere (another resource, the web app) is pushed to every
 * resource of the blocker (XEP-0191 3.3, 3.4).
 */
import { AppError } from '../../../domain/errors';
import { parseJid } from '../jid';
import { StanzaError, type Router, type XmppContext } from '../router';
import { children, el, type XmlElement } from '../xml';

export const NS_BLOCKING = 'urn:xmpp:blocking';

async function userIds(ctx: XmppContext, payload: XmlElement): Promise<string[]> {
  const ids: string[] = [];
  for (const item of children(payload)) {
    const username = ctx.jids.usernameOf(parseJid(item.attrs.jid));
    const user = username ? (await ctx.services.accounts.findByUsername(username))[0] : undefined;
    if (!user) throw new StanzaError('item-not-found', 'cancel', `no user ${item.attrs.jid ?? ''}`);
    ids.push(user.id);
  }
  return ids;
}

/** The push of one block or unblock to a resource (an iq set it answers with a result). */
export function blockPush(ctx: XmppContext, username: string, blocked: boolean): XmlElement {
  return el(
    'iq',
    { type: 'set', id: `block-${Date.now().toString(36)}`, to: ctx.fullJid },
    el(blocked ? 'block' : 'unblock', { xmlns: NS_BLOCKING }, el('item', { jid: ctx.jids.user(username) })),
  );
}

export function registerBlocking(router: Router): void {
  router.onIq('get', NS_BLOCKING, async (ctx) => {
    const blocked = await ctx.services.contacts.listBlocks(ctx.auth);
    return el(
      'blocklist',
      { xmlns: NS_BLOCKING },
      ...blocked.map((u) => el('item', { jid: ctx.jids.user(u.username) })),
    );
  });
  router.onIq('set', NS_BLOCKING, async (ctx, _iq, payload) => {
    if (payload.name === 'block') {
      const ids = await userIds(ctx, payload);
      if (ids.length === 0) throw new StanzaError('bad-request', 'modify');
      for (const id of ids) await ctx.services.contacts.block(ctx.auth, id);
      return;
    }
    if (payload.name !== 'unblock') throw new StanzaError('bad-request', 'modify');
    const ids =
      children(payload).length === 0
        ? (await ctx.services.contacts.listBlocks(ctx.auth)).map((u) => u.id)
        : await userIds(ctx, payload);
    for (const id of ids) {
      try {
        await ctx.services.contacts.unblock(ctx.auth, id);
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'not_found')) throw error;
      }
    }
  });
}
