/**
 * RFC 6121 `<message type='chat'>` (and `normal`, which clients use alike) to
 * `user@domain` = a message in the direct conversation with that user, created
 * on first use. The stanza id becomes the client id, so a client that resends a
 * stanza after a lost connection does not store it twice (guarantee 3); the same
 * id with other content is a new message (ids need only be unique per stream). A chat
 * message without a body carries only chat states or markers (receipts.ts). Corrections,
 * retractions and reactions are changes to earlier messages (message-changes-in.ts).
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../../domain/errors';
import { clientIdFor } from '../outbound';
import { parseJid } from '../jid';
import { StanzaError, type Router, type XmppContext } from '../router';
import { child, text, type XmlElement } from '../xml';
import { applyChange } from './message-changes-in';
import { fileOfBody, type MessageContentIn } from './upload';
import { NS_MARKERS, NS_RECEIPTS, onChatExtras, rememberRequest } from './receipts';

export const NS_ORIGIN_ID = 'urn:xmpp:sid:0';

async function chat(ctx: XmppContext, stanza: XmlElement): Promise<void> {
  const to = parseJid(stanza.attrs.to);
  const username = ctx.jids.usernameOf(to);
  if (!username) throw new StanzaError('service-unavailable', 'cancel', 'only user@domain can be messaged here');
  if (username === ctx.auth.user.username) throw new StanzaError('not-allowed', 'cancel', 'no messages to yourself');
  const peer = (await ctx.services.accounts.findByUsername(username))[0];
  // RFC 6121 8.5.2.2.1: a message to an account that does not exist.
  if (!peer) throw new StanzaError('service-unavailable', 'cancel');
  const body = child(stanza, 'body');
  let conversation;
  try {
    conversation = await ctx.services.conversations.createDirect(ctx.auth, peer.id);
  } catch (error) {
    // A stanza with only chat states or markers to someone who refuses it (a block) is dropped
    // unanswered, like a refused chat state; a message with a body gets the error.
    if (!body && error instanceof AppError) return;
    throw error;
  }
  // A correction, retraction or reaction set (message-changes-in.ts): its body is not a new message.
  const changed = await applyChange(ctx, stanza, conversation);
  if (body && !changed) {
    const originId = child(stanza, 'origin-id', NS_ORIGIN_ID)?.attrs.id;
    const fileId = await fileOfBody(ctx, stanza, text(body));
    const content: MessageContentIn = fileId ? { type: 'file', fileId } : { type: 'text', text: text(body) };
    const clientId = clientIdFor(originId ?? stanza.attrs.id) ?? randomClientId();
    try {
      await send(ctx, stanza, conversation.id, clientId, content, to?.resource);
    } catch (error) {
      // RFC 6120 8.1.3 lets a client make stanza ids unique only within its stream, and
      // many count from 1 in every session: a plain stanza id seen before with other
      // content is a new message, not a resend. (An origin-id is unique for good.)
      const reused = error instanceof AppError && error.code === 'client_id_conflict' && originId === undefined;
      if (!reused) throw error;
      await send(ctx, stanza, conversation.id, randomClientId(), content, to?.resource);
    }
  }
  await onChatExtras(ctx, stanza, conversation.id);
}

const randomClientId = () => `xr_${randomBytes(12).toString('base64url')}`;

async function send(
  ctx: XmppContext,
  stanza: XmlElement,
  conversationId: string,
  clientId: string,
  content: MessageContentIn,
  toResource: string | undefined,
): Promise<void> {
  ctx.state.sentClientIds.add(clientId);
  try {
    // The sender's resource and the addressed one travel with the message (RFC 6121 8.5.3, XEP-0280).
    const route = toResource ? { resource: ctx.resource, to: toResource } : { resource: ctx.resource };
    await ctx.services.messages.send(ctx.auth, { conversationId, clientId, content }, route);
    if (child(stanza, 'request', NS_RECEIPTS)) rememberRequest(ctx.state.receiptRequests, clientId);
    if (child(stanza, 'markable', NS_MARKERS)) rememberRequest(ctx.state.markable, clientId);
  } catch (error) {
    ctx.state.sentClientIds.delete(clientId);
    throw error;
  }
}

export function registerMessages(router: Router): void {
  router.on('message/chat', chat).on('message/normal', chat);
  // Errors bounced by clients about our messages need no answer.
  router.on('message/error', () => Promise.resolve());
}
