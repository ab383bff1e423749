/**
 * XEP-0313 Message Archive Management (urn:xmpp:mam:2 and #extended) with XEP-0059
 * Result Set Management, over the time-ordered archive of messages.archive:
 *
 * - a query to your own account without `with` pages your personal archive, every
 *   direct conversation you belong to merged by time (the catch-up path of
 *   Conversations, Dino and Gajim);
 * - with a `with` user JID, the direct conversation with that user;
 * - to a room JID, that group or channel.
 *
 * The order is (time, seq, id); a result id is the message id (the `<stanza-id/>`
 * every delivered message carries), and RSM `after`/`before` and the form's
 * `after-id`/`before-id` name places by it. `start`/`end` bound by time (inclusive),
 * `ids` asks for exactly those messages, `<flip-page/>` reverses a page. Without
 * `<before/>` a query starts from the oldest message (XEP-0313 4.3); `<before/>`
 * empty asks for the newest page. Not mapped: `with` on a room archive (occupant
 * filter), RSM `index`/`count`, preferences.
 */
import type { Conversation, Message } from '@parley/protocol';
import type { ArchiveInput } from '../../../services/messages';
import { parseJid } from '../jid';
import { conversationOf, nickOf, NS_FORWARD, stanzaIdOf, usernameOf } from '../outbound';
import { StanzaError, type Router, type XmppContext } from '../router';
import { child, children, childText, el, text, type XmlElement } from '../xml';
import { messagePayload } from './message-changes';
import { roomFor } from './muc';

export const NS_MAM = 'urn:xmpp:mam:2';
export const NS_MAM_EXTENDED = 'urn:xmpp:mam:2#extended';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_DATA = 'jabber:x:data';
const DEFAULT_MAX = 50;

interface Archive {
  /** One conversation; undefined = the personal archive (every direct conversation). */
  conversationId: string | undefined;
  /** A `with` user who has no conversation with you yet: an empty archive. */
  empty: boolean;
  /** The archive's JID: the user's bare JID, or the room's. */
  owner: string;
  room: boolean;
}

/** The form's fields, each with all its values (`ids` has several). */
function formFields(query: XmlElement): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  const form = child(query, 'x', NS_DATA);
  for (const field of form ? children(form) : []) {
    if (field.name !== 'field' || !field.attrs.var) continue;
    const values = children(field)
      .filter((c) => c.name === 'value')
      .map((v) => text(v).trim())
      .filter((v) => v !== '');
    fields.set(field.attrs.var, values);
  }
  return fields;
}

const first = (fields: Map<string, string[]>, name: string): string | undefined => fields.get(name)?.[0];

/** XEP-0082 date-times; anything else is a bad request. */
function time(fields: Map<string, string[]>, name: string): number | undefined {
  const value = first(fields, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new StanzaError('bad-request', 'modify', `${name} is not a date-time`);
  return ms;
}

async function archiveFor(ctx: XmppContext, iq: XmlElement, fields: Map<string, string[]>): Promise<Archive> {
  const to = iq.attrs.to;
  const withJid = first(fields, 'with');
  if (to !== undefined && parseJid(to)?.domain === ctx.jids.conference) {
    const room = await roomFor(ctx, to);
    if (withJid) throw new StanzaError('feature-not-implemented', 'cancel', 'no `with` filter on room archives');
    return { conversationId: room.id, empty: false, owner: ctx.jids.room(room.id), room: true };
  }
  if (to !== undefined && to !== ctx.bareJid && to !== ctx.fullJid) throw new StanzaError('forbidden', 'auth');
  if (!withJid) return { conversationId: undefined, empty: false, owner: ctx.bareJid, room: false };
  const username = ctx.jids.usernameOf(parseJid(withJid));
  const peer = username ? (await ctx.services.accounts.findByUsername(username))[0] : undefined;
  const direct = peer
    ? (await ctx.services.conversations.list(ctx.auth)).find(
        (s) => s.conversation.kind === 'direct' && s.conversation.members.some((m) => m.userId === peer.id),
      )
    : undefined;
  const conversationId = direct?.conversation.id;
  return { conversationId, empty: conversationId === undefined, owner: ctx.bareJid, room: false };
}

/** The service's query for this form and RSM set. */
function archiveInput(archive: Archive, fields: Map<string, string[]>, set: XmlElement | undefined): ArchiveInput {
  const maxText = set ? childText(set, 'max', NS_RSM) : undefined;
  const max = maxText === undefined ? DEFAULT_MAX : Number(maxText);
  if (!Number.isInteger(max) || max < 0) throw new StanzaError('bad-request', 'modify', 'max is not a number');
  const before = set ? child(set, 'before', NS_RSM) : undefined;
  const after = set ? childText(set, 'after', NS_RSM)?.trim() : undefined;
  const afterIds = [after, first(fields, 'after-id')].filter((id): id is string => !!id);
  const beforeIds = [text(before).trim(), first(fields, 'before-id')].filter((id): id is string => !!id);
  const ids = fields.get('ids');
  return {
    conversationId: archive.conversationId,
    start: time(fields, 'start'),
    end: time(fields, 'end'),
    after: afterIds,
    before: beforeIds,
    ids: ids && ids.length > 0 ? ids : undefined,
    fromEnd: before !== undefined,
    limit: max,
  };
}

async function page(ctx: XmppContext, archive: Archive, input: ArchiveInput) {
  if (archive.empty) {
    // XEP-0059 2.6: naming a place in an empty archive is item-not-found.
    if ((input.after?.length ?? 0) > 0 || (input.before?.length ?? 0) > 0 || input.ids) {
      throw new StanzaError('item-not-found', 'cancel');
    }
    return { messages: [] as Message[], complete: true };
  }
  return ctx.services.messages.archive(ctx.auth, input);
}

/** The other person of a direct conversation, seen from a message's sender. */
function peerOf(conversation: Conversation, message: Message): string {
  return conversation.members.find((m) => m.userId !== message.senderId)?.userId ?? message.senderId;
}

async function resultStanza(ctx: XmppContext, archive: Archive, message: Message, queryId: string | undefined) {
  const payload = await messagePayload(ctx, message);
  if (!payload) return null;
  const sender = await usernameOf(ctx, message.senderId);
  let inner: XmlElement;
  if (archive.room) {
    const nick = await nickOf(ctx, message.conversationId, message.senderId);
    inner = el(
      'message',
      { xmlns: 'jabber:client', type: 'groupchat', id: stanzaIdOf(message), from: `${archive.owner}/${nick}` },
      ...payload,
    );
  } else {
    const conversation = await conversationOf(ctx, message.conversationId);
    inner = el(
      'message',
      {
        xmlns: 'jabber:client',
        type: 'chat',
        id: stanzaIdOf(message),
        from: ctx.jids.user(sender),
        to: ctx.jids.user(await usernameOf(ctx, peerOf(conversation, message))),
      },
      ...payload,
    );
  }
  return el(
    'message',
    { to: ctx.fullJid, from: archive.owner },
    el(
      'result',
      { xmlns: NS_MAM, queryid: queryId, id: message.id },
      el(
        'forwarded',
        { xmlns: NS_FORWARD },
        el('delay', { xmlns: 'urn:xmpp:delay', stamp: new Date(message.createdAt).toISOString() }),
        inner,
      ),
    ),
  );
}

export function registerMam(router: Router): void {
  // XEP-0313 5.1: the form a client may fill in (every field we honour).
  const fieldsForm = () =>
    Promise.resolve(
      el(
        'query',
        { xmlns: NS_MAM },
        el(
          'x',
          { xmlns: NS_DATA, type: 'form' },
          el('field', { var: 'FORM_TYPE', type: 'hidden' }, el('value', {}, NS_MAM)),
          el('field', { var: 'with', type: 'jid-single' }),
          el('field', { var: 'start', type: 'text-single' }),
          el('field', { var: 'end', type: 'text-single' }),
          el('field', { var: 'after-id', type: 'text-single' }),
          el('field', { var: 'before-id', type: 'text-single' }),
          el('field', { var: 'ids', type: 'text-multi' }),
        ),
      ),
    );
  const query = async (ctx: XmppContext, iq: XmlElement, payload: XmlElement) => {
    const fields = formFields(payload);
    const archive = await archiveFor(ctx, iq, fields);
    const input = archiveInput(archive, fields, child(payload, 'set', NS_RSM));
    const { messages, complete } = await page(ctx, archive, input);
    // XEP-0313 #extended: <flip-page/> sends the page in reverse order.
    const ordered = child(payload, 'flip-page') ? [...messages].reverse() : messages;
    for (const message of ordered) {
      const stanza = await resultStanza(ctx, archive, message, payload.attrs.queryid);
      if (stanza) ctx.send(stanza);
    }
    const firstItem = ordered[0];
    const lastItem = ordered.at(-1);
    const set = el(
      'set',
      { xmlns: NS_RSM },
      ...(firstItem && lastItem ? [el('first', {}, firstItem.id), el('last', {}, lastItem.id)] : []),
    );
    return el('fin', { xmlns: NS_MAM, complete: complete ? 'true' : undefined }, set);
  };
  router.onIq('get', NS_MAM, fieldsForm).onIq('set', NS_MAM, query);
  router.onIq('get', NS_MAM, fieldsForm, 'muc').onIq('set', NS_MAM, query, 'muc');
}
