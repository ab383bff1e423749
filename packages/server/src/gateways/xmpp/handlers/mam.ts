/**
 * XEP-0313 Message Archive Management with XEP-0059 Result Set Management, over
 * Parley's history: the archive of a direct conversation (a query to your own
 * account with a `with` user JID) or of a group (a query to its room JID). A
 * result id is the message id (the `<stanza-id/>` every delivered message
 * carries); paging by `after`/`before` turns the id into a seq through
 * messages.locate, then pages by seq, so the archive is exactly the
 * conversation's sequence. Without `<before/>` a query starts from the oldest
 * message (XEP-0313 4.3); `<before/>` empty asks for the newest page.
 * Not mapped: a query without `with` (all conversations at once), `start`/`end`
 * filters, `ids`, preferences.
 */
import type { Message } from '@parley/protocol';
import { AppError } from '../../../domain/errors';
import { parseJid } from '../jid';
import { NS_FORWARD, stanzaIdOf, usernameOf } from '../outbound';
import { StanzaError, type Router, type XmppContext } from '../router';
import { child, children, childText, el, text, type XmlElement } from '../xml';
import { messagePayload } from './message-changes';
import { roomFor } from './muc';

export const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_DATA = 'jabber:x:data';
const DEFAULT_MAX = 50;

interface Archive {
  conversationId: string;
  /** The archive's JID: the user's bare JID, or the room's. */
  owner: string;
  room: boolean;
}

function formFields(query: XmlElement): Map<string, string> {
  const fields = new Map<string, string>();
  const form = child(query, 'x', NS_DATA);
  for (const field of form ? children(form) : []) {
    if (field.name === 'field' && field.attrs.var) fields.set(field.attrs.var, childText(field, 'value') ?? '');
  }
  return fields;
}

async function archiveFor(ctx: XmppContext, iq: XmlElement, fields: Map<string, string>): Promise<Archive> {
  const to = iq.attrs.to;
  if (to !== undefined && parseJid(to)?.domain === ctx.jids.conference) {
    const room = await roomFor(ctx, to);
    return { conversationId: room.id, owner: ctx.jids.room(room.id), room: true };
  }
  if (to !== undefined && to !== ctx.bareJid && to !== ctx.fullJid) throw new StanzaError('forbidden', 'auth');
  const withJid = fields.get('with');
  if (!withJid) {
    throw new StanzaError('feature-not-implemented', 'cancel', 'give a `with` JID (one conversation per query)');
  }
  const username = ctx.jids.usernameOf(parseJid(withJid));
  const peer = username ? (await ctx.services.accounts.findByUsername(username))[0] : undefined;
  const direct = peer
    ? (await ctx.services.conversations.list(ctx.auth)).find(
        (s) => s.conversation.kind === 'direct' && s.conversation.members.some((m) => m.userId === peer.id),
      )
    : undefined;
  // No conversation yet: an empty archive.
  return { conversationId: direct?.conversation.id ?? '', owner: ctx.bareJid, room: false };
}

async function seqOf(ctx: XmppContext, archive: Archive, id: string): Promise<number> {
  try {
    const found = await ctx.services.messages.locate(ctx.auth, id);
    if (found.conversationId === archive.conversationId) return found.seq;
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'not_found')) throw error;
  }
  // XEP-0059 2.6 / XEP-0313 4.3.2: an unknown id is item-not-found.
  throw new StanzaError('item-not-found', 'cancel', `no message ${id} in this archive`);
}

async function page(ctx: XmppContext, archive: Archive, set: XmlElement | undefined) {
  const max = Math.max(0, Math.min(Number(childText(set ?? el('set'), 'max', NS_RSM) ?? DEFAULT_MAX) || 0, 250));
  const before = set ? child(set, 'before', NS_RSM) : undefined;
  const after = set ? childText(set, 'after', NS_RSM) : undefined;
  if (!archive.conversationId && (after || text(before).trim())) throw new StanzaError('item-not-found', 'cancel');
  if (!archive.conversationId || max === 0) return { messages: [] as Message[], complete: true };
  const { conversationId } = archive;
  if (before) {
    const id = text(before).trim();
    const seq = id ? await seqOf(ctx, archive, id) : undefined;
    const result = await ctx.services.messages.history(ctx.auth, { conversationId, before: seq, limit: max });
    return { messages: result.messages, complete: !result.hasMore };
  }
  const seq = after ? await seqOf(ctx, archive, after.trim()) : 0;
  const result = await ctx.services.messages.history(ctx.auth, { conversationId, after: seq, limit: max });
  return { messages: result.messages, complete: !result.hasMore };
}

async function resultStanza(ctx: XmppContext, archive: Archive, message: Message, queryId: string | undefined) {
  const payload = await messagePayload(ctx, message);
  if (!payload) return null;
  const sender = await usernameOf(ctx, message.senderId);
  let inner: XmlElement;
  if (archive.room) {
    inner = el(
      'message',
      { xmlns: 'jabber:client', type: 'groupchat', id: stanzaIdOf(message), from: `${archive.owner}/${sender}` },
      ...payload,
    );
  } else {
    const conversation = await ctx.services.conversations.get(ctx.auth, message.conversationId);
    const otherId = conversation.members.find((m) => m.userId !== message.senderId)?.userId ?? message.senderId;
    inner = el(
      'message',
      {
        xmlns: 'jabber:client',
        type: 'chat',
        id: stanzaIdOf(message),
        from: ctx.jids.user(sender),
        to: ctx.jids.user(await usernameOf(ctx, otherId)),
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
  // XEP-0313 5.1: the form a client may fill in.
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
        ),
      ),
    );
  const query = async (ctx: XmppContext, iq: XmlElement, payload: XmlElement) => {
    const fields = formFields(payload);
    for (const unsupported of ['start', 'end', 'before-id', 'after-id', 'ids']) {
      if (fields.get(unsupported))
        throw new StanzaError('feature-not-implemented', 'cancel', `no ${unsupported} filter`);
    }
    const archive = await archiveFor(ctx, iq, fields);
    const { messages, complete } = await page(ctx, archive, child(payload, 'set', NS_RSM));
    for (const message of messages) {
      const stanza = await resultStanza(ctx, archive, message, payload.attrs.queryid);
      if (stanza) ctx.send(stanza);
    }
    // first/last name the page's ends (system messages included: they are valid paging ids).
    const first = messages[0];
    const last = messages.at(-1);
    const set = el(
      'set',
      { xmlns: NS_RSM },
      ...(first && last ? [el('first', {}, first.id), el('last', {}, last.id)] : []),
    );
    return el('fin', { xmlns: NS_MAM, complete: complete ? 'true' : undefined }, set);
  };
  router.onIq('get', NS_MAM, fieldsForm).onIq('set', NS_MAM, query);
  router.onIq('get', NS_MAM, fieldsForm, 'muc').onIq('set', NS_MAM, query, 'muc');
}
