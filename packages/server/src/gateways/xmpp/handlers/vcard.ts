/**
 * XEP-0054 vcard-temp and XEP-0153 vCard-based avatars, mapped to the Parley profile:
 * FN and NICKNAME are the display name; ROLE is `bot` for a bot account; PHOTO is the avatar, as TYPE + BINVAL when it
 * is a picture stored by Parley (files.storeAvatar), as EXTVAL when it is another URL.
 * Anyone's vCard can be read (profiles are public in Parley); only your own is set,
 * and a set replaces the whole vCard: no PHOTO removes the avatar. Presence carries
 * `<x xmlns='vcard-temp:x:update'><photo>sha1</photo></x>` (photoUpdate).
 */
import { truncateText, type User } from '@parley/protocol';
import { AppError } from '../../../domain/errors';
import { parseJid } from '../jid';
import { StanzaError, type Router, type XmppContext } from '../router';
import { child, childText, el, type XmlElement } from '../xml';

export const NS_VCARD = 'vcard-temp';
export const NS_VCARD_UPDATE = 'vcard-temp:x:update';
const MAX_DISPLAY_NAME = 100;

/** The avatar path of ours an avatarUrl names, or null (an external URL, or none). */
export function ownPath(ctx: XmppContext, avatarUrl: string | null): string | null {
  const base = ctx.httpUrl();
  return avatarUrl !== null && avatarUrl.startsWith(`${base}/v1/avatars/`) ? avatarUrl.slice(base.length) : null;
}

/**
 * XEP-0153 in a presence from `user`: `<photo>sha1</photo>` for a Parley-stored avatar,
 * `<photo/>` for none, no `<photo/>` for an external URL (its hash is unknown).
 */
export function photoUpdate(ctx: XmppContext, user: User): XmlElement {
  if (user.avatarUrl === null) return el('x', { xmlns: NS_VCARD_UPDATE }, el('photo'));
  const path = ownPath(ctx, user.avatarUrl);
  const avatar = path === null ? null : ctx.services.files.avatarOfPath(path);
  return el('x', { xmlns: NS_VCARD_UPDATE }, ...(avatar ? [el('photo', {}, avatar.sha1)] : []));
}

async function userOf(ctx: XmppContext, iq: XmlElement): Promise<User> {
  const to = parseJid(iq.attrs.to);
  if (to === null || to.local === '') return ctx.services.accounts.getUser(ctx.auth.user.id);
  const username = ctx.jids.usernameOf(to);
  const user = username === null ? undefined : (await ctx.services.accounts.findByUsername(username))[0];
  if (!user || user.username !== username) throw new StanzaError('item-not-found');
  return user;
}

async function photoOf(ctx: XmppContext, user: User): Promise<XmlElement[]> {
  if (user.avatarUrl === null) return [];
  const path = ownPath(ctx, user.avatarUrl);
  if (path === null) return [el('PHOTO', {}, el('EXTVAL', {}, user.avatarUrl))];
  const avatar = await ctx.services.files.readAvatar(path);
  if (!avatar) return [];
  return [el('PHOTO', {}, el('TYPE', {}, avatar.mime), el('BINVAL', {}, avatar.bytes.toString('base64')))];
}

async function getVcard(ctx: XmppContext, iq: XmlElement, payload: XmlElement): Promise<XmlElement> {
  if (payload.name !== 'vCard') throw new StanzaError('bad-request', 'modify');
  const user = await userOf(ctx, iq);
  return el(
    'vCard',
    { xmlns: NS_VCARD },
    el('FN', {}, user.displayName),
    el('NICKNAME', {}, user.displayName),
    // A bot account says so (vcard-temp ROLE), as `bot: true` does in the native API.
    ...(user.bot === true ? [el('ROLE', {}, 'bot')] : []),
    ...(await photoOf(ctx, user)),
  );
}

async function setVcard(ctx: XmppContext, iq: XmlElement, payload: XmlElement): Promise<void> {
  if (payload.name !== 'vCard') throw new StanzaError('bad-request', 'modify');
  const to = parseJid(iq.attrs.to);
  if (to !== null && !(to.local === '' && to.domain === ctx.jids.domain) && iq.attrs.to !== ctx.bareJid) {
    throw new StanzaError('forbidden', 'auth', 'only your own vCard can be set');
  }
  // Cut by whole graphemes: a cut surrogate pair would be a refused character.
  const name = truncateText(
    (childText(payload, 'FN') ?? childText(payload, 'NICKNAME') ?? '').trim(),
    MAX_DISPLAY_NAME,
  );
  const before = await ctx.services.accounts.getUser(ctx.auth.user.id);
  let avatarUrl: string | null = null;
  const photo = child(payload, 'PHOTO');
  const binval = photo ? childText(photo, 'BINVAL')?.replace(/\s+/g, '') : undefined;
  const extval = photo ? childText(photo, 'EXTVAL')?.trim() : undefined;
  if (binval) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(binval)) throw new StanzaError('bad-request', 'modify', 'BINVAL is not base64');
    const bytes = Buffer.from(binval, 'base64');
    const previous = ownPath(ctx, before.avatarUrl);
    const stored = await ctx.services.files.storeAvatar(ctx.auth, bytes).catch((error: unknown) => {
      if (error instanceof AppError && (error.code === 'file_too_large' || error.code === 'file_type_not_allowed')) {
        throw new StanzaError('not-acceptable', 'modify', error.message);
      }
      throw error;
    });
    avatarUrl = `${ctx.httpUrl()}${stored.path}`;
    if (previous !== null && previous !== stored.path) await ctx.services.files.dropAvatar(ctx.auth, previous);
  } else if (extval && /^https?:\/\//.test(extval) && extval.length <= 2048) {
    avatarUrl = before.avatarUrl === extval ? before.avatarUrl : extval;
  } else if (before.avatarUrl !== null) {
    const previous = ownPath(ctx, before.avatarUrl);
    if (previous !== null) await ctx.services.files.dropAvatar(ctx.auth, previous);
  }
  await ctx.services.accounts.updateProfile(ctx.auth, {
    ...(name !== '' ? { displayName: name } : {}),
    ...(avatarUrl !== before.avatarUrl ? { avatarUrl } : {}),
  });
}

export function registerVcard(router: Router): void {
  router.onIq('get', NS_VCARD, getVcard).onIq('set', NS_VCARD, setVcard);
}
