/**
 * XEP-0084 User Avatar on a minimal XEP-0163 PEP: only the two avatar nodes of each
 * account, mapped to the same profile avatar as the vCard (vcard.ts):
 * - publish to `urn:xmpp:avatar:data` (your own JID): the bytes are stored as an avatar
 *   (files.storeAvatar: 128 KiB, PNG/JPEG/GIF/WebP), the item id must be their SHA-1;
 * - publish to `urn:xmpp:avatar:metadata`: an `<info id/>` naming stored data makes it
 *   your avatar; an `<info url/>` alone makes that URL your avatar; an empty
 *   `<metadata/>` removes it;
 * - items of either node of anyone's JID (avatars are public);
 * - notifications: a profile change of someone whose presence a resource sees (and of
 *   the user) sends the metadata node's item as a headline (pubsubEventFor).
 * Everything else of pubsub is `feature-not-implemented`.
 */
import type { User } from '@parley/protocol';
import { AppError } from '../../../domain/errors';
import { parseJid } from '../jid';
import { StanzaError, type Router, type XmppContext } from '../router';
import { child, children, el, text, type XmlElement } from '../xml';
import { ownPath } from './vcard';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const NS_AVATAR_DATA = 'urn:xmpp:avatar:data';
export const NS_AVATAR_METADATA = 'urn:xmpp:avatar:metadata';
/** disco#info features of an account (XEP-0163 4 and XEP-0084 5). */
export const PEP_FEATURES = [`${NS_PUBSUB}#publish`, `${NS_PUBSUB}#retrieve-items`, `${NS_AVATAR_METADATA}+notify`];

async function ownerOf(ctx: XmppContext, iq: XmlElement): Promise<User> {
  const to = parseJid(iq.attrs.to);
  if (to === null) return ctx.services.accounts.getUser(ctx.auth.user.id);
  const username = ctx.jids.usernameOf(to);
  const user = username === null ? undefined : (await ctx.services.accounts.findByUsername(username))[0];
  if (!user || user.username !== username) throw new StanzaError('item-not-found');
  return user;
}

/** The metadata node's item for a user: `<info/>` of a Parley-stored avatar, or of its URL. */
async function metadataItem(ctx: XmppContext, user: User): Promise<XmlElement | null> {
  if (user.avatarUrl === null) return null;
  const path = ownPath(ctx, user.avatarUrl);
  const info = path === null ? null : await ctx.services.files.avatarInfo(path);
  if (info === null) return null; // an external URL: XEP-0084 needs its hash, which is not known
  return el(
    'item',
    { id: info.sha1 },
    el(
      'metadata',
      { xmlns: NS_AVATAR_METADATA },
      el('info', { id: info.sha1, bytes: String(info.bytes), type: info.mime, url: user.avatarUrl }),
    ),
  );
}

async function items(ctx: XmppContext, iq: XmlElement, pubsub: XmlElement): Promise<XmlElement> {
  const request = child(pubsub, 'items');
  const node = request?.attrs.node;
  if (!request || (node !== NS_AVATAR_DATA && node !== NS_AVATAR_METADATA)) {
    throw new StanzaError('feature-not-implemented', 'cancel', 'only the XEP-0084 avatar nodes exist here');
  }
  const user = await ownerOf(ctx, iq);
  const metadata = await metadataItem(ctx, user);
  let found: XmlElement | null = metadata;
  if (node === NS_AVATAR_DATA && metadata) {
    const wanted = children(request).find((c) => c.name === 'item')?.attrs.id;
    const path = ownPath(ctx, user.avatarUrl);
    const avatar = path === null ? null : await ctx.services.files.readAvatar(path);
    found =
      avatar && (wanted === undefined || wanted === avatar.sha1)
        ? el('item', { id: avatar.sha1 }, el('data', { xmlns: NS_AVATAR_DATA }, avatar.bytes.toString('base64')))
        : null;
  }
  if (!found && node === NS_AVATAR_DATA) throw new StanzaError('item-not-found');
  return el('pubsub', { xmlns: NS_PUBSUB }, el('items', { node }, ...(found ? [found] : [])));
}

function notAcceptable(error: unknown): unknown {
  if (error instanceof AppError && (error.code === 'file_too_large' || error.code === 'file_type_not_allowed')) {
    return new StanzaError('not-acceptable', 'modify', error.message);
  }
  return error;
}

async function publish(ctx: XmppContext, iq: XmlElement, pubsub: XmlElement): Promise<XmlElement> {
  const to = parseJid(iq.attrs.to);
  if (to !== null && ctx.jids.usernameOf(to) !== ctx.auth.user.username) {
    throw new StanzaError('forbidden', 'auth', 'you publish only to your own PEP service');
  }
  const request = child(pubsub, 'publish');
  const node = request?.attrs.node;
  const item = request ? child(request, 'item') : undefined;
  if (!request || (node !== NS_AVATAR_DATA && node !== NS_AVATAR_METADATA)) {
    throw new StanzaError('feature-not-implemented', 'cancel', 'only the XEP-0084 avatar nodes exist here');
  }
  const before = await ctx.services.accounts.getUser(ctx.auth.user.id);
  const previous = ownPath(ctx, before.avatarUrl);
  let id = item?.attrs.id ?? '';
  if (node === NS_AVATAR_DATA) {
    const data = item ? child(item, 'data', NS_AVATAR_DATA) : undefined;
    const base64 = text(data).replace(/\s+/g, '');
    if (!data || base64 === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
      throw new StanzaError('bad-request', 'modify', 'an item with base64 <data/> is needed');
    }
    const stored = await ctx.services.files
      .storeAvatar(ctx.auth, Buffer.from(base64, 'base64'))
      .catch((error: unknown) => {
        throw notAcceptable(error);
      });
    if (id !== '' && id !== stored.sha1) {
      if (stored.path !== previous) await ctx.services.files.dropAvatar(ctx.auth, stored.path);
      throw new StanzaError('bad-request', 'modify', 'the item id must be the SHA-1 of the data');
    }
    id = stored.sha1;
  } else {
    const metadata = item ? child(item, 'metadata', NS_AVATAR_METADATA) : undefined;
    if (!metadata) throw new StanzaError('bad-request', 'modify', 'an item with <metadata/> is needed');
    const infos = children(metadata).filter((c) => c.name === 'info');
    let avatarUrl: string | null = null;
    for (const info of infos) {
      const path = await ctx.services.files.findAvatar(ctx.auth, info.attrs.id ?? '');
      if (path !== null) {
        avatarUrl = `${ctx.httpUrl()}${path}`;
        break;
      }
    }
    const external = infos.find((i) => /^https?:\/\//.test(i.attrs.url ?? '') && (i.attrs.url ?? '').length <= 2048);
    if (avatarUrl === null && infos.length > 0) {
      if (!external?.attrs.url) throw new StanzaError('item-not-found', 'cancel', 'publish the data first');
      avatarUrl = external.attrs.url;
    }
    if (avatarUrl !== before.avatarUrl) {
      await ctx.services.accounts.updateProfile(ctx.auth, { avatarUrl });
      if (previous !== null && `${ctx.httpUrl()}${previous}` !== avatarUrl) {
        await ctx.services.files.dropAvatar(ctx.auth, previous);
      }
    }
    if (id === '') id = infos[0]?.attrs.id ?? 'current';
  }
  return el('pubsub', { xmlns: NS_PUBSUB }, el('publish', { node }, el('item', { id })));
}

/** XEP-0163 notifications already sent to this resource: user id -> avatar URL. */
const notified = new WeakMap<XmppContext, Map<string, string | null>>();

/**
 * The PEP notification of a user's avatar metadata for this resource, when it changed
 * since the last one it got (profile changes also carry names and status texts).
 */
export async function pubsubEventFor(ctx: XmppContext, user: User): Promise<XmlElement | null> {
  let seen = notified.get(ctx);
  if (!seen) notified.set(ctx, (seen = new Map<string, string | null>()));
  if (seen.has(user.id) && seen.get(user.id) === user.avatarUrl) return null;
  seen.set(user.id, user.avatarUrl);
  const item = await metadataItem(ctx, user);
  if (!item && user.avatarUrl !== null) return null; // an external URL: nothing XEP-0084 can say
  const fallback = el('item', { id: 'none' }, el('metadata', { xmlns: NS_AVATAR_METADATA }));
  return el(
    'message',
    { type: 'headline', from: ctx.jids.user(user.username), to: ctx.fullJid },
    el('event', { xmlns: NS_PUBSUB_EVENT }, el('items', { node: NS_AVATAR_METADATA }, item ?? fallback)),
  );
}

export function registerPep(router: Router): void {
  router.onIq('get', NS_PUBSUB, items).onIq('set', NS_PUBSUB, publish);
}
