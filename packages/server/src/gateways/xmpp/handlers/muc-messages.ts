/**
 * XEP-0045 groupchat both ways. A `<message type='groupchat'>` to a joined room
 * is a message in the group (stanza id or XEP-0359 origin-id as the client id, so
 * a resend is stored once); a `<subject/>` renames the group. Every message of
 * the group goes to every joined resource, the sender's own included: XEP-0045
 * 7.4 reflects it, and clients use the reflection (same id) as "sent". A rename
 * comes back as the subject. History on join comes from the history service.
 * Corrections, retractions and reactions are changes (message-changes-in.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Conversation, Message } from '@parley/protocol';
import { parseJid } from '../jid';
import { clientIdFor, conversationOf, NS_DELAY, NS_SID, nickOf, stanzaIdOf } from '../outbound';
import { StanzaError, type Router, type XmppContext } from '../router';
import { messagePayload } from './message-changes';
import { applyChange } from './message-changes-in';
import { roomSystemPresence } from './muc';
import { invite } from './muc-admin';
import { fileOfBody, type MessageContentIn } from './upload';
import { child, el, text, type XmlElement } from '../xml';

const NS_ORIGIN_ID = 'urn:xmpp:sid:0';

/** A group message as a joined resource sees it; null for what XMPP has no stanza for, or not joined. */
export async function groupchatStanza(
  ctx: XmppContext,
  message: Message,
  delayed: boolean,
): Promise<XmlElement | null> {
  const room = ctx.state.rooms.get(message.conversationId);
  if (!delayed && (!room || message.seq <= room.seq)) return null;
  const roomJid = ctx.jids.room(message.conversationId);
  const from = `${roomJid}/${await nickOf(ctx, message.conversationId, message.senderId)}`;
  const delay = delayed
    ? [el('delay', { xmlns: NS_DELAY, from: roomJid, stamp: new Date(message.createdAt).toISOString() })]
    : [];
  if (message.content.type === 'system') {
    const { action, title } = message.content;
    if (delayed) return null;
    if (action !== 'renamed') return roomSystemPresence(ctx, message);
    return el('message', { type: 'groupchat', from, to: ctx.fullJid }, el('subject', {}, title ?? ''));
  }
  // Update entries are corrections, retractions and reactions, never chat bodies; tombstones are not sent.
  const payload = await messagePayload(ctx, message);
  if (!payload) return null;
  const id = stanzaIdOf(message);
  return el(
    'message',
    { type: 'groupchat', id, from, to: ctx.fullJid },
    ...payload,
    el('stanza-id', { xmlns: NS_SID, id: message.id, by: roomJid }),
    ...(message.clientId.startsWith('x_') ? [el('origin-id', { xmlns: NS_ORIGIN_ID, id })] : []),
    ...delay,
  );
}

/** XEP-0045 7.2.15: the subject, always sent last when joining (empty when the group has no title). */
export function subjectStanza(ctx: XmppContext, conversation: Conversation): XmlElement {
  return el(
    'message',
    { type: 'groupchat', from: ctx.jids.room(conversation.id), to: ctx.fullJid },
    el('subject', {}, conversation.title ?? ''),
  );
}

/** Writes the join's history (XEP-0045 7.2.14) and returns the highest seq it covered. */
export async function sendHistory(
  ctx: XmppContext,
  conversation: Conversation,
  limits: { max: number; since: number },
): Promise<number> {
  if (limits.max === 0 || conversation.lastSeq === 0) return 0;
  const { messages } = await ctx.services.messages.history(ctx.auth, {
    conversationId: conversation.id,
    before: conversation.lastSeq + 1,
    limit: Math.min(limits.max * 2, 200), // system messages are skipped: read a little more
  });
  const shown = messages
    .filter((m) => (m.content.type === 'text' || m.content.type === 'file') && m.createdAt >= limits.since)
    .slice(-limits.max);
  for (const message of shown) {
    const stanza = await groupchatStanza(ctx, message, true);
    if (stanza) ctx.send(stanza);
  }
  return messages.at(-1)?.seq ?? 0;
}

async function groupchat(ctx: XmppContext, stanza: XmlElement): Promise<void> {
  const to = parseJid(stanza.attrs.to);
  const conversationId = ctx.jids.roomOf(to);
  if (!conversationId || to?.resource) {
    // Private messages to room/nick are not mapped: write to user@domain instead.
    throw new StanzaError('not-acceptable', 'cancel', 'groupchat goes to the bare room JID');
  }
  // XEP-0045 7.4: only occupants may send.
  if (!ctx.state.rooms.has(conversationId)) throw new StanzaError('not-acceptable', 'cancel', 'join the room first');
  if (await applyChange(ctx, stanza, await conversationOf(ctx, conversationId))) return;
  const body = child(stanza, 'body');
  const subject = child(stanza, 'subject');
  if (subject && !body) {
    await ctx.services.conversations.rename(ctx.auth, conversationId, text(subject));
    return;
  }
  if (!body) return; // chat states and markers in rooms are not mapped
  const originId = child(stanza, 'origin-id', NS_ORIGIN_ID)?.attrs.id;
  const clientId = clientIdFor(originId ?? stanza.attrs.id) ?? `xr_${randomBytes(12).toString('base64url')}`;
  const fileId = await fileOfBody(ctx, stanza, text(body));
  const content: MessageContentIn = fileId ? { type: 'file', fileId } : { type: 'text', text: text(body) };
  await ctx.services.messages.send(ctx.auth, { conversationId, clientId, content });
}

async function privateMessage(): Promise<void> {
  return Promise.reject(new StanzaError('not-acceptable', 'cancel', 'private messages in rooms are not supported'));
}

export function registerMucMessages(router: Router): void {
  router.on('muc/message/groupchat', groupchat);
  router.on('muc/message/chat', privateMessage);
  // A normal message to the bare room JID may be a mediated invitation (muc-admin.ts).
  router.on('muc/message/normal', async (ctx, stanza) => {
    if (!(await invite(ctx, stanza))) await privateMessage();
  });
  router.on('muc/message/error', () => Promise.resolve());
}
