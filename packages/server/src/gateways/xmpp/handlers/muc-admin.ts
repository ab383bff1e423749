/**
 * XEP-0045 room administration over Parley's roles and moderation services (the
 * services authorize: kick, ban and mute need a role above the target's, role
 * changes are the owner's):
 *
 * | XMPP (`muc#admin` item)  | Parley                                                        |
 * | ------------------------ | ------------------------------------------------------------- |
 * | affiliation `owner`      | refused (`not-allowed`): ownership moves only when the owner leaves |
 * | affiliation `admin`      | role admin (added first if not a member)                      |
 * | affiliation `member`     | added (a ban is lifted first); an admin becomes a member      |
 * | affiliation `none`       | removed (a ban is lifted)                                     |
 * | affiliation `outcast`    | banned until lifted (with the reason)                         |
 * | role `none` (kick)       | removed; they may come back                                   |
 * | role `visitor` (revoke voice) | muted for a year (the longest mute), i.e. until voice is granted back |
 * | role `participant`       | unmuted; a moderator or read-only member becomes a member     |
 * | role `moderator`         | role moderator                                                |
 *
 * Lists (`muc#admin` get by affiliation or role) come from the members (one page of
 * 500) and the bans. XEP-0425: a moderator's `<moderate/>` of a message
 * retracts it for everyone (deleteAny). Mediated invitations (7.8.2) to the bare room
 * JID add the invitee as a member; the invitee's resources are then told with an
 * `<invite/>` from the room (inviteStanza, also for people added natively).
 */
import type { Conversation, Member, Role } from '@parley/protocol';
import { AppError } from '../../../domain/errors';
import { parseJid } from '../jid';
import { checkRoomNick } from '../../../domain/room-nick';
import { nickOf, usernameOf } from '../outbound';
import { StanzaError, type Router, type XmppContext } from '../router';
import { child, childText, children, el, type XmlElement } from '../xml';
import { NS_MODERATE, NS_RETRACT } from './message-changes';
import { referencedMessage } from './message-changes-in';
import { NS_MUC_USER, roomFor } from './muc';

export const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
/** Voice revocation = the longest mute Parley allows. */
export const VOICE_REVOKE_SECONDS = 31_536_000;

const AFFILIATION_ROLES: Record<string, readonly Role[]> = {
  owner: ['owner'],
  admin: ['admin'],
  member: ['moderator', 'member', 'readonly'],
};
const ROLE_ROLES: Record<string, readonly Role[]> = {
  moderator: ['owner', 'admin', 'moderator'],
  participant: ['member'],
  visitor: ['readonly'],
};

async function userOf(ctx: XmppContext, room: Conversation, item: XmlElement): Promise<{ id: string; name: string }> {
  const nick = item.attrs.nick;
  // A room nickname names its holder first (checkRoomNick's fold), else the user with that username.
  const checked = nick === undefined ? undefined : checkRoomNick(nick);
  const holder = checked?.ok ? await ctx.services.conversations.roomNickHolder(room.id, checked.fold) : undefined;
  if (holder) return { id: holder, name: await usernameOf(ctx, holder) };
  const name = nick ?? ctx.jids.usernameOf(parseJid(item.attrs.jid));
  const user = name ? (await ctx.services.accounts.findByUsername(name.toLowerCase()))[0] : undefined;
  if (!user) throw new StanzaError('item-not-found', 'cancel', `no user ${name ?? ''} for room ${room.id}`);
  return { id: user.id, name: user.username };
}

/** Lifts a ban if there is one (affiliation changes away from outcast). */
async function unbanIfBanned(ctx: XmppContext, roomId: string, userId: string): Promise<void> {
  try {
    await ctx.services.moderation.unban(ctx.auth, roomId, userId);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'not_found')) throw error;
  }
}

async function setAffiliation(
  ctx: XmppContext,
  room: Conversation,
  userId: string,
  current: Member | undefined,
  affiliation: string,
  reason: string | undefined,
): Promise<void> {
  const { conversations, moderation } = ctx.services;
  switch (affiliation) {
    case 'owner':
      if (current?.role === 'owner') return;
      throw new StanzaError('not-allowed', 'cancel', 'ownership moves only when the owner leaves');
    case 'admin':
    case 'member':
      if (!current) {
        await unbanIfBanned(ctx, room.id, userId);
        await conversations.addMembers(ctx.auth, room.id, [userId]);
      }
      if (affiliation === 'admin' && current?.role !== 'admin')
        await conversations.setRole(ctx.auth, room.id, userId, 'admin');
      if (affiliation === 'member' && current && (current.role === 'admin' || current.role === 'owner')) {
        await conversations.setRole(ctx.auth, room.id, userId, 'member');
      }
      return;
    case 'none':
      if (current) await conversations.removeMember(ctx.auth, room.id, userId);
      else await unbanIfBanned(ctx, room.id, userId);
      return;
    case 'outcast':
      await moderation.ban(ctx.auth, room.id, userId, reason ? { reason } : {});
      return;
    default:
      throw new StanzaError('bad-request', 'modify', `unknown affiliation ${affiliation}`);
  }
}

async function setRole(
  ctx: XmppContext,
  room: Conversation,
  userId: string,
  current: Member | undefined,
  role: string,
): Promise<void> {
  const { conversations, moderation } = ctx.services;
  if (!current) throw new StanzaError('item-not-found', 'cancel', 'not an occupant of this room');
  switch (role) {
    case 'none':
      await conversations.removeMember(ctx.auth, room.id, userId);
      return;
    case 'visitor':
      await moderation.mute(ctx.auth, room.id, userId, VOICE_REVOKE_SECONDS);
      return;
    case 'participant':
      if (current.role === 'moderator' || current.role === 'readonly') {
        await conversations.setRole(ctx.auth, room.id, userId, 'member');
      }
      await moderation.unmute(ctx.auth, room.id, userId);
      return;
    case 'moderator':
      if (current.role === 'member' || current.role === 'readonly') {
        await conversations.setRole(ctx.auth, room.id, userId, 'moderator');
      }
      return;
    default:
      throw new StanzaError('bad-request', 'modify', `unknown role ${role}`);
  }
}

async function adminSet(ctx: XmppContext, iq: XmlElement, query: XmlElement): Promise<void> {
  const room = await roomFor(ctx, iq.attrs.to);
  const items = children(query).filter((c) => c.name === 'item');
  if (items.length === 0) throw new StanzaError('bad-request', 'modify', 'no item');
  for (const item of items) {
    const user = await userOf(ctx, room, item);
    const current = await ctx.services.conversations.member(ctx.auth, room.id, user.id);
    const reason = childText(item, 'reason')?.trim() || undefined;
    if (item.attrs.affiliation !== undefined) {
      await setAffiliation(ctx, room, user.id, current, item.attrs.affiliation, reason);
    } else if (item.attrs.role !== undefined) {
      await setRole(ctx, room, user.id, current, item.attrs.role);
    } else throw new StanzaError('bad-request', 'modify', 'an item changes an affiliation or a role');
  }
}

/** The members of a room, its first 500 (roomFor does not load a group's list). */
async function membersOf(ctx: XmppContext, room: Conversation): Promise<Member[]> {
  return (await ctx.services.conversations.members(ctx.auth, room.id, { limit: 500 })).items;
}

async function adminGet(ctx: XmppContext, iq: XmlElement, query: XmlElement): Promise<XmlElement> {
  const room = await roomFor(ctx, iq.attrs.to);
  const wanted = child(query, 'item');
  const affiliation = wanted?.attrs.affiliation;
  const role = wanted?.attrs.role;
  const item = async (userId: string, attrs: Record<string, string>) => {
    const name = await usernameOf(ctx, userId);
    return el('item', { ...attrs, jid: ctx.jids.user(name), nick: await nickOf(ctx, room.id, userId) });
  };
  if (affiliation === 'outcast') {
    const bans = await ctx.services.moderation.bans(ctx.auth, room.id);
    const items = [];
    for (const ban of bans) items.push(await item(ban.userId, { affiliation: 'outcast' }));
    return el('query', { xmlns: NS_MUC_ADMIN }, ...items);
  }
  const roles =
    affiliation !== undefined ? AFFILIATION_ROLES[affiliation] : role !== undefined ? ROLE_ROLES[role] : undefined;
  if (!roles) throw new StanzaError('bad-request', 'modify', 'ask for one affiliation or role');
  const { member } = await ctx.services.conversations.access(ctx.auth, room.id);
  // XEP-0045 9.5 / 8.5: member lists for admins and owners, moderator lists for moderators.
  if (!member || !['owner', 'admin', 'moderator'].includes(member.role)) throw new StanzaError('forbidden', 'auth');
  const items = [];
  for (const m of await membersOf(ctx, room)) {
    if (!roles.includes(m.role)) continue;
    items.push(await item(m.userId, affiliation !== undefined ? { affiliation } : { role: role ?? '' }));
  }
  return el('query', { xmlns: NS_MUC_ADMIN }, ...items);
}

/** XEP-0425: a moderator retracts someone's message for everyone. */
async function moderate(ctx: XmppContext, iq: XmlElement, payload: XmlElement): Promise<void> {
  const room = await roomFor(ctx, iq.attrs.to);
  if (!child(payload, 'retract', NS_RETRACT)) throw new StanzaError('bad-request', 'modify', 'only retraction');
  const target = await referencedMessage(ctx, room, payload.attrs.id ?? '');
  await ctx.services.messageChanges.delete(ctx.auth, target.id);
}

/** XEP-0045 7.8.2: a mediated invitation to the bare room JID adds the invitee as a member. */
export async function invite(ctx: XmppContext, stanza: XmlElement): Promise<boolean> {
  const x = child(stanza, 'x', NS_MUC_USER);
  const invites = x ? children(x).filter((c) => c.name === 'invite') : [];
  if (invites.length === 0) return false;
  const room = await roomFor(ctx, stanza.attrs.to);
  const ids = [];
  for (const one of invites) ids.push((await userOf(ctx, room, el('item', { jid: one.attrs.to }))).id);
  await ctx.services.conversations.addMembers(ctx.auth, room.id, ids);
  return true;
}

/**
 * The invitation a resource gets when its user became a member of a room after it
 * was bound (added natively or invited over XMPP), once per room; null otherwise.
 */
export async function inviteStanza(ctx: XmppContext, conversation: Conversation): Promise<XmlElement | null> {
  if (conversation.kind === 'direct' || ctx.state.rooms.has(conversation.id)) return null;
  if (ctx.state.invited.has(conversation.id) || ctx.state.pendingRooms.has(conversation.id)) return null;
  const self =
    conversation.kind === 'channel'
      ? await ctx.services.conversations.member(ctx.auth, conversation.id, ctx.auth.user.id)
      : conversation.members.find((m) => m.userId === ctx.auth.user.id);
  if (!self || self.joinedAt < ctx.state.since || self.role === 'owner') return null;
  ctx.state.invited.add(conversation.id);
  // Who added us: the newest system entry that did.
  const { messages } = await ctx.services.messages.history(ctx.auth, { conversationId: conversation.id, limit: 20 });
  const added = messages
    .reverse()
    .find((m) => m.content.type === 'system' && (m.content.userIds ?? []).includes(ctx.auth.user.id));
  const inviter =
    added && added.senderId !== ctx.auth.user.id ? ctx.jids.user(await usernameOf(ctx, added.senderId)) : undefined;
  return el(
    'message',
    { from: ctx.jids.room(conversation.id), to: ctx.fullJid },
    el('x', { xmlns: NS_MUC_USER }, el('invite', { from: inviter })),
    el('body', {}, `You were added to ${conversation.title ?? conversation.id}.`),
  );
}

export function registerMucAdmin(router: Router): void {
  router.onIq('set', NS_MUC_ADMIN, adminSet, 'muc').onIq('get', NS_MUC_ADMIN, adminGet, 'muc');
  router.onIq('set', NS_MODERATE, moderate, 'muc');
}
