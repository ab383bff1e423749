/**
 * XEP-0045 Multi-User Chat = Parley groups and channels, at the conference component
 * `conference.<domain>`: the room `<conversationId>@conference.<domain>` is the
 * group or channel, its members are its occupants (nick: the member's room nickname,
 * stored per membership, else the username), and a Parley role
 * is an affiliation and a room role (owner: owner/moderator, admin: admin/moderator,
 * moderator: member/moderator, member: member/participant, readonly: member/visitor).
 * A public channel is an open room (anyone who joins becomes a member); groups and
 * private channels are members-only. Rooms are non-anonymous, persistent and logged
 * (the archive is MAM, mam.ts). This file owns joining and leaving (presence to
 * room/nick), the component's disco, and the room's presence changes when membership
 * changes; muc-messages.ts owns groupchat both ways.
 *
 * Joining sends, in XEP-0045 7.2 order: the occupants' presence, the joiner's
 * own (codes 110, 100, 170), the history (`<history maxstanzas|seconds|since/>`),
 * then the subject (= title). The occupant list is every member of a room of at
 * most OCCUPANT_LIST_MAX members (read in pages, usernames in one read per page);
 * a larger channel sends only the joiner's own presence, and membership changes
 * reach it as system messages. Nothing is sent to the other occupants on a join
 * (they already list every member). Leaving (unavailable) only stops delivery to
 * that resource: it is "leaving the room" in XEP-0045, not leaving the Parley group
 * (a resource that goes offline leaves every room it was in, yet its user is
 * still a member).
 */
import type { Conversation, Member, Message, Role } from '@parley/protocol';
import { AppError } from '../../../domain/errors';
import { parseJid } from '../jid';
import { conversationOf, nickOf, nicksOf, remember, rememberNick, usernameOf, usernamesOf } from '../outbound';
import { StanzaError, toStanzaError, type Router, type XmppContext } from '../router';
import { child, el, type XmlElement } from '../xml';
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from './disco';
import { sendHistory, subjectStanza } from './muc-messages';
import { creatableRoomName, lockedRoomPresence } from './muc-owner';

export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_MAM = 'urn:xmpp:mam:2';
const DEFAULT_HISTORY = 20;
/** Rooms of at most this many members list their occupants on join; larger channels send only self-presence. */
export const OCCUPANT_LIST_MAX = 1000;

/** Whether a room shows its members as occupants (and their arrivals and departures as presence). */
export const listsOccupants = (conversation: Pick<Conversation, 'memberCount'>): boolean =>
  conversation.memberCount <= OCCUPANT_LIST_MAX;

/** What a room is (XEP-0045 15.3.x): public channels are open and listed, broadcast channels moderated. */
function roomFeatures(conversation: Conversation): string[] {
  const isPublic = conversation.kind === 'channel' && conversation.visibility === 'public';
  const moderated = conversation.kind === 'channel' && conversation.postPolicy === 'admins';
  return [
    NS_MUC,
    isPublic ? 'muc_open' : 'muc_membersonly',
    isPublic ? 'muc_public' : 'muc_hidden',
    moderated ? 'muc_moderated' : 'muc_unmoderated',
    'muc_nonanonymous',
    'muc_persistent',
    NS_MAM,
    `${NS_MAM}#extended`,
    'urn:xmpp:message-moderate:1',
  ];
}

const affiliations: Record<Role, { affiliation: string; role: string }> = {
  owner: { affiliation: 'owner', role: 'moderator' },
  admin: { affiliation: 'admin', role: 'moderator' },
  moderator: { affiliation: 'member', role: 'moderator' },
  member: { affiliation: 'member', role: 'participant' },
  readonly: { affiliation: 'member', role: 'visitor' },
};

/** Groups and channels are rooms; direct conversations are not. */
const isRoom = (conversation: Pick<Conversation, 'kind'>): boolean => conversation.kind !== 'direct';

/**
 * The group or channel a room JID names, for a member (without its member list);
 * others get the XEP-0045 errors.
 */
export async function roomFor(ctx: XmppContext, to: string | undefined): Promise<Conversation> {
  const conversationId = ctx.jids.roomOf(parseJid(to));
  if (!conversationId) throw new StanzaError('item-not-found', 'cancel', 'no such room');
  let conversation: Conversation;
  try {
    // Authorization only: a group's member list is not loaded (members is empty here).
    const access = await ctx.services.conversations.authorize(ctx.auth, conversationId, 'read', {}, { members: false });
    conversation = access.conversation;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // XEP-0045 7.2.6 and 7.2.8: a members-only room refuses others; rooms are never created here.
    if (error.code === 'not_member' || error.code === 'forbidden' || error.code === 'banned') {
      throw new StanzaError('registration-required', 'auth', 'this room is for members of the group');
    }
    if (error.code === 'not_found') {
      throw new StanzaError('item-not-found', 'cancel', 'no such room (rooms are created in Parley)');
    }
    throw error;
  }
  if (!isRoom(conversation)) throw new StanzaError('item-not-found', 'cancel', 'not a group or channel');
  return conversation;
}

/** A member's presence in a room, as `to` sees it; `codes` are XEP-0045 status codes. */
export async function occupantPresence(
  ctx: XmppContext,
  roomJid: string,
  member: Pick<Member, 'userId' | 'role'> & { mutedUntil?: number | null },
  codes: readonly string[] = [],
  unavailable = false,
): Promise<XmlElement> {
  const username = await usernameOf(ctx, member.userId);
  const conversationId = ctx.jids.roomOf(parseJid(roomJid)) ?? '';
  const nick = await nickOf(ctx, conversationId, member.userId);
  const muted = member.mutedUntil != null && member.mutedUntil > Date.now();
  const mapped = affiliations[member.role];
  const { affiliation, role } = unavailable
    ? { affiliation: 'none', role: 'none' }
    : { affiliation: mapped.affiliation, role: muted && mapped.role === 'participant' ? 'visitor' : mapped.role };
  return el(
    'presence',
    { from: `${roomJid}/${nick}`, to: ctx.fullJid, type: unavailable ? 'unavailable' : undefined },
    el(
      'x',
      { xmlns: NS_MUC_USER },
      el('item', { affiliation, role, jid: ctx.jids.user(username) }),
      ...codes.map((code) => el('status', { code })),
    ),
  );
}

async function join(ctx: XmppContext, stanza: XmlElement): Promise<void> {
  const to = parseJid(stanza.attrs.to);
  if (!to?.resource) throw new StanzaError('jid-malformed', 'modify', 'join with room@service/nick');
  const roomId = ctx.jids.roomOf(to);
  if (roomId && ctx.state.pendingRooms.has(roomId)) {
    ctx.send(lockedRoomPresence(ctx, roomId));
    return;
  }
  const conversation = await roomToJoin(ctx, stanza.attrs.to, roomId);
  if (!conversation) return;
  const joined = ctx.state.rooms.get(conversation.id);
  // A presence update (show/status) from a resource already in the room needs no new join; to another nick, it is a nick change.
  if (joined) {
    if (to.resource !== joined.nick) await changeNick(ctx, conversation.id, to.resource);
    return;
  }
  const nick = await nickToJoin(ctx, conversation.id, to.resource);
  // 110: this is you; 100: the room is non-anonymous; 170: it is logged; 210: the service chose your nick.
  const codes = ['110', '100', '170', ...(to.resource === nick ? [] : ['210'])];
  const limits = historyLimits(child(child(stanza, 'x', NS_MUC) ?? el('x'), 'history', NS_MUC));
  // Joined from now on (a second join presence is a presence update), silent until the history is out.
  ctx.state.rooms.set(conversation.id, { nick, seq: Number.MAX_SAFE_INTEGER });
  ctx.enqueue(async () => {
    // Read again in outbound order: everything committed before this point is in the history below.
    const { conversation: room, member: self } = await ctx.services.conversations.access(ctx.auth, conversation.id, {
      members: false,
    });
    if (!self || !ctx.state.rooms.has(room.id)) return;
    const roomJid = ctx.jids.room(room.id);
    if (listsOccupants(room)) {
      const members = await occupantsOf(ctx, room);
      // A group's next conversation.updated is diffed against this list (onRoomChanged).
      if (room.kind === 'group') remember(ctx, { ...room, members });
      for (const member of members) {
        if (member.userId !== ctx.auth.user.id) ctx.send(await occupantPresence(ctx, roomJid, member));
      }
    }
    ctx.send(await occupantPresence(ctx, roomJid, self, codes));
    const last = await sendHistory(ctx, room, limits);
    ctx.state.rooms.set(room.id, { nick, seq: Math.max(room.lastSeq, last) });
    ctx.send(subjectStanza(ctx, room));
  });
}

/**
 * The nickname a join gets: a member who has a stored nickname keeps it (XEP-0045
 * allows one nickname per user in a room: another resource, or a join under another
 * nick, gets it with 210; it changes with a nick change, 7.6); a member without one
 * takes the nick asked for, unless it is another member's nickname or another user's
 * username (conflict, nothing joined), or breaks the nickname rules (not-acceptable).
 */
async function nickToJoin(ctx: XmppContext, conversationId: string, wanted: string): Promise<string> {
  const stored = (await ctx.services.conversations.roomNicks(conversationId, [ctx.auth.user.id])).get(ctx.auth.user.id);
  if (stored !== undefined && stored !== ctx.auth.user.username) {
    rememberNick(ctx, conversationId, ctx.auth.user.id, stored);
    return stored;
  }
  // A nick the rules would change (NFC, invisible ends) is taken as changed, with 210.
  const result = await ctx.services.conversations.setRoomNick(ctx.auth, conversationId, wanted);
  if (!result.ok) throw nickError(result);
  rememberNick(ctx, conversationId, ctx.auth.user.id, result.nick);
  return result.nick;
}

function nickError(result: { reason: 'taken' } | { reason: 'invalid'; text: string }): StanzaError {
  // XEP-0045 7.2.9: conflict (409); a nickname the rules refuse: not-acceptable (406).
  return result.reason === 'taken'
    ? new StanzaError('conflict', 'cancel', 'that nickname is in use in this room')
    : new StanzaError('not-acceptable', 'modify', result.text);
}

/**
 * XEP-0045 7.6: available presence to room/NewNick while in the room. The stored
 * nickname changes and the `room.nick` event tells every occupant (onRoomNick),
 * this resource included; a taken or refused nickname is an error from room/NewNick.
 */
async function changeNick(ctx: XmppContext, conversationId: string, wanted: string): Promise<void> {
  const result = await ctx.services.conversations.setRoomNick(ctx.auth, conversationId, wanted);
  if (!result.ok) throw nickError(result);
}

/**
 * A member's nickname changed (`room.nick`): joined resources see the old occupant
 * leave with 303 and the new nick, then arrive under the new nick (XEP-0045 7.6),
 * with 110 for the user's own resources. The resource that joined under the new nick
 * already shows it.
 */
export async function onRoomNick(
  ctx: XmppContext,
  event: { conversationId: string; userId: string; before: string; after: string },
): Promise<void> {
  const { conversationId, userId, before, after } = event;
  rememberNick(ctx, conversationId, userId, after);
  const joined = ctx.state.rooms.get(conversationId);
  if (!joined) return;
  const self = userId === ctx.auth.user.id;
  if (self && joined.nick === after) return;
  if (self) ctx.state.rooms.set(conversationId, { ...joined, nick: after });
  const room = self ? undefined : await conversationOf(ctx, conversationId);
  if (room && !listsOccupants(room)) return;
  const member = await ctx.services.conversations.member(ctx.auth, conversationId, userId);
  if (!member) return;
  const roomJid = ctx.jids.room(conversationId);
  const mapped = affiliations[member.role];
  const username = await usernameOf(ctx, userId);
  ctx.send(
    el(
      'presence',
      { from: `${roomJid}/${before}`, to: ctx.fullJid, type: 'unavailable' },
      el(
        'x',
        { xmlns: NS_MUC_USER },
        el('item', { affiliation: mapped.affiliation, role: mapped.role, jid: ctx.jids.user(username), nick: after }),
        el('status', { code: '303' }),
        ...(self ? [el('status', { code: '110' })] : []),
      ),
    ),
  );
  ctx.send(await occupantPresence(ctx, roomJid, member, self ? ['110'] : []));
}

/** Every member of a room that lists them (at most OCCUPANT_LIST_MAX), their usernames read in batches. */
async function occupantsOf(ctx: XmppContext, room: Conversation): Promise<Member[]> {
  const members: Member[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < Math.ceil(OCCUPANT_LIST_MAX / 500); page++) {
    const found = await ctx.services.conversations.members(ctx.auth, room.id, { limit: 500, cursor });
    members.push(...found.items);
    await usernamesOf(
      ctx,
      found.items.map((m) => m.userId),
    );
    await nicksOf(
      ctx,
      room.id,
      found.items.map((m) => m.userId),
    );
    if (!found.nextCursor) break;
    cursor = found.nextCursor;
  }
  return members;
}

/**
 * The room to join; a new room name becomes a locked room of this resource
 * (muc-owner.ts, undefined is returned), a public channel admits anyone who joins.
 */
async function roomToJoin(
  ctx: XmppContext,
  to: string | undefined,
  roomId: string | null,
): Promise<Conversation | undefined> {
  try {
    return await roomFor(ctx, to);
  } catch (error) {
    if (!(error instanceof StanzaError) || !roomId) throw error;
    if (error.condition === 'item-not-found' && creatableRoomName(roomId)) {
      ctx.state.pendingRooms.add(roomId);
      ctx.send(lockedRoomPresence(ctx, roomId));
      return undefined;
    }
    if (error.condition !== 'registration-required') throw error;
    try {
      await ctx.services.conversations.join(ctx.auth, roomId);
    } catch (joinError) {
      // XEP-0045 7.2.7: a banned user is forbidden; others need to be made members.
      if (joinError instanceof AppError && joinError.code === 'banned') throw new StanzaError('forbidden', 'auth');
      // PARLEY_RATE_MEMBERSHIP_PER_MIN: resource-constraint, type wait (retry later).
      if (joinError instanceof AppError && joinError.code === 'rate_limited') throw toStanzaError(joinError) ?? error;
      // An archived open room takes no one new (ADR 0020): forbidden, with the reason.
      if (joinError instanceof AppError && joinError.code === 'conversation_archived') {
        throw toStanzaError(joinError) ?? error;
      }
      if (joinError instanceof AppError) throw error;
      throw joinError;
    }
    return roomFor(ctx, to);
  }
}

function historyLimits(history: XmlElement | undefined): { max: number; since: number } {
  if (!history) return { max: DEFAULT_HISTORY, since: 0 };
  const maxStanzas = Number(history.attrs.maxstanzas ?? DEFAULT_HISTORY);
  // COMPAT: some clients send maxchars='0' to mean "no history" instead of maxstanzas='0'.
  const none = history.attrs.maxchars === '0';
  let since = 0;
  if (history.attrs.seconds !== undefined) since = Date.now() - Number(history.attrs.seconds) * 1000;
  if (history.attrs.since !== undefined) since = Math.max(since, Date.parse(history.attrs.since) || 0);
  const max = none || !Number.isFinite(maxStanzas) ? 0 : Math.max(0, Math.min(Math.trunc(maxStanzas), 100));
  return { max, since };
}

function leave(ctx: XmppContext, stanza: XmlElement): Promise<void> {
  const conversationId = ctx.jids.roomOf(parseJid(stanza.attrs.to));
  const joined = conversationId ? ctx.state.rooms.get(conversationId) : undefined;
  if (!conversationId || !joined) return Promise.resolve();
  ctx.state.rooms.delete(conversationId);
  const roomJid = ctx.jids.room(conversationId);
  ctx.send(
    el(
      'presence',
      { from: `${roomJid}/${joined.nick}`, to: ctx.fullJid, type: 'unavailable' },
      el(
        'x',
        { xmlns: NS_MUC_USER },
        el('item', { affiliation: 'member', role: 'none' }),
        el('status', { code: '110' }),
      ),
    ),
  );
  return Promise.resolve();
}

/** Takes the room out of the joined ones and sends the resource its own unavailable presence. */
function leaveJoinedRoom(ctx: XmppContext, conversationId: string, ...statusAndReason: XmlElement[]): void {
  const joined = ctx.state.rooms.get(conversationId);
  if (!joined) return;
  ctx.state.rooms.delete(conversationId);
  ctx.send(
    el(
      'presence',
      { from: `${ctx.jids.room(conversationId)}/${joined.nick}`, to: ctx.fullJid, type: 'unavailable' },
      el('x', { xmlns: NS_MUC_USER }, el('item', { affiliation: 'none', role: 'none' }), ...statusAndReason),
    ),
  );
}

/**
 * The user is no longer a member: a joined resource that has not already been told by
 * the system message (roomSystemPresence) is out of the room (321: no longer a member).
 */
export function onRemovedFromRoom(ctx: XmppContext, conversationId: string): void {
  leaveJoinedRoom(ctx, conversationId, el('status', { code: '110' }), el('status', { code: '321' }));
}

/**
 * The group or channel was deleted (ADR 0020): the room is destroyed (XEP-0045 10.9). A
 * resource in the room gets its own unavailable presence carrying `<destroy/>` with the
 * reason; the room is gone from its joined rooms either way.
 */
export function onRoomDestroyed(ctx: XmppContext, conversationId: string): void {
  leaveJoinedRoom(
    ctx,
    conversationId,
    el('destroy', {}, el('reason', {}, 'The room was deleted.')),
    el('status', { code: '110' }),
  );
}

/** Membership changed: joined resources see members arrive, leave, or change roles; a removed user is out. */
export async function onRoomChanged(ctx: XmppContext, before: Conversation | undefined, after: Conversation) {
  // Channels: system messages only (roomSystemPresence); groups too large to list: nothing.
  if (after.kind !== 'group' || !ctx.state.rooms.has(after.id) || !listsOccupants(after)) return;
  const roomJid = ctx.jids.room(after.id);
  const old = new Map((before?.members ?? []).map((m) => [m.userId, m.role]));
  for (const member of after.members) {
    if (old.get(member.userId) === member.role) continue;
    const codes = member.userId === ctx.auth.user.id ? ['110'] : [];
    ctx.send(await occupantPresence(ctx, roomJid, member, codes));
  }
  // Members who left or were removed: their system message says how (roomSystemPresence).
}

/** Why a member is out, as XEP-0045 status codes: 307 kicked, 301 banned, nothing when they left. */
const REMOVAL_CODES: Partial<Record<string, string[]>> = {
  'member.removed': ['307'],
  'member.banned': ['301'],
  'member.left': [],
};

const ARRIVALS = new Set(['member.joined', 'member.added']);

/**
 * The room presence a system message stands for, for a joined resource: a member
 * kicked (307), banned (301) or gone (and the resource itself out, with 110), or muted
 * (a visitor) and unmuted; in a channel that lists occupants, members arriving. Others'
 * presence only in rooms that list occupants (listsOccupants).
 */
export async function roomSystemPresence(ctx: XmppContext, message: Message): Promise<XmlElement | null> {
  if (message.content.type !== 'system') return null;
  const { action, userIds } = message.content;
  const userId = userIds?.[0];
  if (!userId) return null;
  const self = userId === ctx.auth.user.id;
  const roomJid = ctx.jids.room(message.conversationId);
  const removal = REMOVAL_CODES[action];
  const conversation = self ? undefined : await conversationOf(ctx, message.conversationId);
  // A group's arrivals come with conversation.updated (onRoomChanged); a channel's from here.
  if (!self && conversation?.kind === 'channel' && listsOccupants(conversation) && ARRIVALS.has(action)) {
    for (const id of (userIds ?? []).slice(0, OCCUPANT_LIST_MAX)) {
      if (id !== ctx.auth.user.id) ctx.send(await occupantPresence(ctx, roomJid, { userId: id, role: 'member' }));
    }
    return null;
  }
  if (!self && (!conversation || conversation.kind === 'direct' || !listsOccupants(conversation))) return null;
  if (removal) {
    if (self) ctx.state.rooms.delete(message.conversationId);
    return occupantPresence(ctx, roomJid, { userId, role: 'member' }, self ? ['110', ...removal] : removal, true);
  }
  if (action !== 'member.muted' && action !== 'member.unmuted') return null;
  const member = (conversation ?? (await conversationOf(ctx, message.conversationId))).members.find(
    (m) => m.userId === userId,
  );
  if (!member) return null;
  const until = action === 'member.muted' && message.content.until ? message.content.until : null;
  return occupantPresence(ctx, roomJid, { ...member, mutedUntil: until }, self ? ['110'] : []);
}

/**
 * XEP-0410 MUC self-ping: a ping to your own occupant JID answers whether this
 * resource is still in the room (`not-acceptable` when it is not); a ping to the
 * room or the service is answered as any ping.
 */
async function selfPing(ctx: XmppContext, iq: XmlElement): Promise<void> {
  const to = parseJid(iq.attrs.to);
  const roomId = ctx.jids.roomOf(to);
  if (!to?.resource || !roomId) return;
  const nick =
    ctx.state.rooms.get(roomId)?.nick ?? (ctx.state.pendingRooms.has(roomId) ? ctx.auth.user.username : undefined);
  if (nick === undefined || to.resource !== nick) {
    throw new StanzaError('not-acceptable', 'cancel', 'you are not in this room');
  }
  return Promise.resolve();
}

export function registerMuc(router: Router): void {
  router.on('muc/presence/available', join).on('muc/presence/unavailable', leave);
  router.onIq('get', 'urn:xmpp:ping', selfPing, 'muc');
  router.onIq(
    'get',
    NS_DISCO_INFO,
    async (ctx, iq) => {
      const to = parseJid(iq.attrs.to);
      if (to && to.local === '') {
        return el(
          'query',
          { xmlns: NS_DISCO_INFO },
          el('identity', { category: 'conference', type: 'text', name: 'Parley groups and channels' }),
          ...[NS_DISCO_INFO, NS_DISCO_ITEMS, NS_MUC].map((f) => el('feature', { var: f })),
        );
      }
      const conversation = await roomFor(ctx, iq.attrs.to);
      return el(
        'query',
        { xmlns: NS_DISCO_INFO },
        el('identity', { category: 'conference', type: 'text', name: conversation.title ?? conversation.id }),
        ...[NS_DISCO_INFO, ...roomFeatures(conversation)].map((f) => el('feature', { var: f })),
      );
    },
    'muc',
  );
  router.onIq(
    'get',
    NS_DISCO_ITEMS,
    async (ctx, iq) => {
      const to = parseJid(iq.attrs.to);
      if (to && to.local !== '') {
        await roomFor(ctx, iq.attrs.to); // occupants are not listed to disco (XEP-0045 6.5 allows it)
        return el('query', { xmlns: NS_DISCO_ITEMS });
      }
      const groups = (await ctx.services.conversations.list(ctx.auth)).filter((s) => isRoom(s.conversation));
      return el(
        'query',
        { xmlns: NS_DISCO_ITEMS },
        ...groups.map(({ conversation }) =>
          el('item', { jid: ctx.jids.room(conversation.id), name: conversation.title ?? conversation.id }),
        ),
      );
    },
    'muc',
  );
}
