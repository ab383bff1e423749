/**
 * XEP-0191 Blocking Command = Parley's block list: a block stops direct
 * messages both ways and hides your presence from the blocked user.
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
