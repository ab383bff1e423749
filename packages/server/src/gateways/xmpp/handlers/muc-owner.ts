/**
 * XEP-0045 room creation and configuration (`muc#owner`) over Parley groups and
 * channels.
 *
 * Joining a room JID that names no conversation creates a room (10.1): the joiner
 * is its owner and gets status 201, and the room stays locked (in this resource's
 * memory only) until the owner submits the configuration form. An empty submit is
 * an instant room (10.1.2); a filled form is a reserved room (10.1.3). On submit the
 * conversation is created with the room's local part as its id:
 *
 * - a **public channel** by default (an instant room, or a form without
 *   `muc#roomconfig_membersonly`): an open room, listed in the directory, that anyone
 *   may join (joining makes them a member), as XEP-0045 clients expect;
 * - a **group** when the form asks for a members-only room (`muc#roomconfig_membersonly`
 *   true, or `muc#roomconfig_publicroom` false): only members (granted by the owner or
 *   admins, `muc#admin`) may enter;
 * - a **private channel** with post policy `admins` for a members-only moderated room
 *   (`muc#roomconfig_moderatedroom`), and a public one with that policy for an open
 *   moderated room (a broadcast channel where only owners and admins speak).
 *
 * `muc#roomconfig_roomname` is the title, `muc#roomconfig_roomdesc` the description.
 * The same form, read (get) or submitted (set) on an existing room, shows and changes
 * those settings through conversations.update (owners and admins); a group cannot
 * become public or moderated (channels only). Persistence, logging and non-anonymity
 * are fixed (every Parley room is all three); other fields are ignored.
 */
import type { Conversation } from '@parley/protocol';
import { parseJid } from '../jid';
import { remember } from '../outbound';
import { StanzaError, type Router, type XmppContext } from '../router';
import { child, children, el, text, type XmlElement } from '../xml';
import { NS_MUC_USER, roomFor } from './muc';
import { subjectStanza } from './muc-messages';

export const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const NS_DATA = 'jabber:x:data';
const CONFIG_FORM = 'http://jabber.org/protocol/muc#roomconfig';

/** A room name that may become a conversation id; ids like `c_…` are the server's own. */
export function creatableRoomName(local: string): boolean {
  return /^[a-z0-9_-]{1,64}$/.test(local) && !/^[a-z]_/.test(local);
}

/** XEP-0045 10.1.1: the self-presence of a new, locked room (codes 110 and 201). */
export function lockedRoomPresence(ctx: XmppContext, roomId: string): XmlElement {
  return el(
    'presence',
    { from: `${ctx.jids.room(roomId)}/${ctx.auth.user.username}`, to: ctx.fullJid },
    el(
      'x',
      { xmlns: NS_MUC_USER },
      el('item', { affiliation: 'owner', role: 'moderator', jid: ctx.fullJid }),
      el('status', { code: '110' }),
      el('status', { code: '201' }),
    ),
  );
}

interface RoomConfig {
  title?: string;
  description?: string;
  public?: boolean;
  membersOnly?: boolean;
  moderated?: boolean;
}

const bool = (value: string | undefined): boolean | undefined =>
  value === undefined ? undefined : value === '1' || value === 'true';

function submitted(form: XmlElement): RoomConfig {
  const values = new Map<string, string>();
  for (const field of children(form)) {
    if (field.name === 'field' && field.attrs.var) values.set(field.attrs.var, text(child(field, 'value')).trim());
  }
  const config: RoomConfig = {};
  const title = values.get('muc#roomconfig_roomname');
  if (title) config.title = title;
  const description = values.get('muc#roomconfig_roomdesc');
  if (description !== undefined) config.description = description;
  const pub = bool(values.get('muc#roomconfig_publicroom'));
  if (pub !== undefined) config.public = pub;
  const membersOnly = bool(values.get('muc#roomconfig_membersonly'));
  if (membersOnly !== undefined) config.membersOnly = membersOnly;
  const moderated = bool(values.get('muc#roomconfig_moderatedroom'));
  if (moderated !== undefined) config.moderated = moderated;
  return config;
}

function field(name: string, type: string, label: string, value: string | undefined): XmlElement {
  return el('field', { var: name, type, label }, ...(value === undefined ? [] : [el('value', {}, value)]));
}

/** The configuration form, filled with a room's current settings (or a new room's defaults). */
function configForm(conversation: Conversation | undefined, roomId: string): XmlElement {
  const channel = conversation?.kind === 'channel';
  // A new room is open by default (a public channel).
  const isPublic = conversation === undefined || (channel && conversation.visibility === 'public');
  const moderated = channel && conversation.postPolicy === 'admins';
  return el(
    'x',
    { xmlns: NS_DATA, type: 'form' },
    el('title', {}, `Configuration of ${conversation?.title ?? roomId}`),
    el('field', { var: 'FORM_TYPE', type: 'hidden' }, el('value', {}, CONFIG_FORM)),
    field('muc#roomconfig_roomname', 'text-single', 'Title', conversation?.title ?? roomId),
    field('muc#roomconfig_roomdesc', 'text-single', 'Description', conversation?.description ?? ''),
    field('muc#roomconfig_publicroom', 'boolean', 'Public: listed, and anyone may join', isPublic ? '1' : '0'),
    field('muc#roomconfig_membersonly', 'boolean', 'Members only', isPublic ? '0' : '1'),
    field('muc#roomconfig_moderatedroom', 'boolean', 'Only owners and admins post', moderated ? '1' : '0'),
    field('muc#roomconfig_persistentroom', 'fixed', 'Persistent', '1'),
    field('muc#roomconfig_enablelogging', 'fixed', 'Archived (MAM)', '1'),
    field('muc#roomconfig_whois', 'fixed', 'Real JIDs visible to', 'anyone'),
  );
}

/** Creates the conversation of a locked room from its configuration, and makes the owner an occupant. */
async function createRoom(ctx: XmppContext, roomId: string, config: RoomConfig): Promise<void> {
  const title = config.title ?? roomId;
  const isPublic = config.membersOnly !== true && config.public !== false;
  const moderated = config.moderated === true;
  const { conversations } = ctx.services;
  const conversation =
    isPublic || moderated
      ? await conversations.createChannel(ctx.auth, {
          id: roomId,
          title,
          visibility: isPublic ? 'public' : 'private',
          postPolicy: moderated ? 'admins' : 'everyone',
          ...(config.description ? { description: config.description } : {}),
        })
      : await conversations.createGroup(ctx.auth, title, [], { id: roomId });
  if (!isPublic && !moderated && config.description) {
    await conversations.update(ctx.auth, roomId, { description: config.description });
  }
  ctx.state.pendingRooms.delete(roomId);
  remember(ctx, conversation);
  ctx.state.rooms.set(roomId, { nick: ctx.auth.user.username, seq: conversation.lastSeq });
  ctx.enqueue(async () => {
    const room = await ctx.services.conversations.get(ctx.auth, roomId);
    ctx.state.rooms.set(roomId, { nick: ctx.auth.user.username, seq: room.lastSeq });
    ctx.send(subjectStanza(ctx, room));
  });
}

async function changeRoom(ctx: XmppContext, conversation: Conversation, config: RoomConfig): Promise<void> {
  const channel = conversation.kind === 'channel';
  const patch: Parameters<XmppContext['services']['conversations']['update']>[2] = {};
  if (config.title !== undefined) patch.title = config.title;
  if (config.description !== undefined) patch.description = config.description === '' ? null : config.description;
  if (config.public !== undefined || config.membersOnly !== undefined) {
    const isPublic = (config.public ?? conversation.visibility === 'public') && config.membersOnly !== true;
    if (channel) patch.visibility = isPublic ? 'public' : 'private';
    else if (isPublic) throw new StanzaError('not-acceptable', 'cancel', 'a group cannot become public');
  }
  if (config.moderated !== undefined) {
    if (channel) patch.postPolicy = config.moderated ? 'admins' : 'everyone';
    else if (config.moderated) throw new StanzaError('not-acceptable', 'cancel', 'a group cannot be moderated');
  }
  await ctx.services.conversations.update(ctx.auth, conversation.id, patch);
}

function pendingRoom(ctx: XmppContext, to: string | undefined): string | undefined {
  const id = ctx.jids.roomOf(parseJid(to));
  return id && ctx.state.pendingRooms.has(id) ? id : undefined;
}

export function registerMucOwner(router: Router): void {
  router.onIq(
    'get',
    NS_MUC_OWNER,
    async (ctx, iq) => {
      const pending = pendingRoom(ctx, iq.attrs.to);
      if (pending) return el('query', { xmlns: NS_MUC_OWNER }, configForm(undefined, pending));
      const conversation = await roomFor(ctx, iq.attrs.to);
      const { member } = await ctx.services.conversations.access(ctx.auth, conversation.id);
      if (member?.role !== 'owner' && member?.role !== 'admin') throw new StanzaError('forbidden', 'auth');
      return el('query', { xmlns: NS_MUC_OWNER }, configForm(conversation, conversation.id));
    },
    'muc',
  );
  router.onIq(
    'set',
    NS_MUC_OWNER,
    async (ctx, iq, query) => {
      const form = child(query, 'x', NS_DATA);
      if (child(query, 'destroy')) {
        throw new StanzaError('feature-not-implemented', 'cancel', 'rooms are not destroyed from XMPP');
      }
      if (!form) throw new StanzaError('bad-request', 'modify', 'a muc#owner set carries a data form');
      const pending = pendingRoom(ctx, iq.attrs.to);
      if (pending) {
        if (form.attrs.type === 'cancel') {
          ctx.state.pendingRooms.delete(pending);
          return;
        }
        await createRoom(ctx, pending, submitted(form));
        return;
      }
      if (form.attrs.type === 'cancel') return;
      await changeRoom(ctx, await roomFor(ctx, iq.attrs.to), submitted(form));
    },
    'muc',
  );
}
