/**
 * Changes sent by XMPP clients, in chats and rooms: a XEP-0308 correction
 * (`<replace id/>` with the new body) is an edit, a XEP-0424 retraction
 * (`<retract id/>`) deletes your own message, a XEP-0444 `<reactions id/>` is the
 * sender's whole reaction set on the message: the difference with the set they
 * have now becomes reaction adds and removes. The referenced id is what the client
 * knows the message by: the server's `<stanza-id/>` (the message id), the stanza
 * id its sender gave it (its client id), or, in a direct chat, the other
 * person's stanza id. The services decide who may do what; their refusals
 * become stanza errors (router.ts).
 */
import type { Conversation, Message } from '@parley/protocol';
import { AppError } from '../../../domain/errors';
import { clientIdFor } from '../outbound';
import { StanzaError, type XmppContext } from '../router';
import { child, children, text, type XmlElement } from '../xml';
import { captionFromBody, NS_CORRECT, NS_REACTIONS, NS_RETRACT } from './message-changes';

async function tryFind(find: () => Promise<Message>): Promise<Message | undefined> {
  try {
    return await find();
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return undefined;
    throw error;
  }
}

/** The message of `conversation` that a client-side reference names; item-not-found otherwise. */
export async function referencedMessage(ctx: XmppContext, conversation: Conversation, ref: string): Promise<Message> {
  const { messages } = ctx.services;
  const candidates: (() => Promise<Message>)[] = [() => messages.get(ctx.auth, ref)];
  const clientId = clientIdFor(ref);
  if (clientId) {
    candidates.push(() => messages.getByClientId(ctx.auth, ctx.auth.user.id, clientId));
    // In a direct chat, the peer's stanza ids too (rooms name others' messages by stanza-id).
    for (const member of conversation.members) {
      if (member.userId !== ctx.auth.user.id)
        candidates.push(() => messages.getByClientId(ctx.auth, member.userId, clientId));
    }
  }
  for (const find of candidates) {
    const found = await tryFind(find);
    if (found && found.conversationId === conversation.id) return found;
  }
  throw new StanzaError('item-not-found', 'cancel', `no message ${ref} here`);
}

/**
 * Applies the change a message stanza carries, if any; true when it carried one
 * (its body, a correction's new text or a fallback, is then not a new message).
 */
export async function applyChange(ctx: XmppContext, stanza: XmlElement, conversation: Conversation): Promise<boolean> {
  const { messageChanges } = ctx.services;
  const replace = child(stanza, 'replace', NS_CORRECT);
  if (replace) {
    const target = await referencedMessage(ctx, conversation, replace.attrs.id ?? '');
    const body = child(stanza, 'body');
    if (!body) throw new StanzaError('bad-request', 'modify', 'a correction carries the new body');
    const edited = target.content.type === 'file' ? captionFromBody(text(body), target.content) : text(body);
    await messageChanges.edit(ctx.auth, target.id, edited, { resource: ctx.resource });
    return true;
  }
  const retract = child(stanza, 'retract', NS_RETRACT);
  if (retract) {
    const target = await referencedMessage(ctx, conversation, retract.attrs.id ?? '');
    // XEP-0424 retracts your own messages; a moderator's removal is XEP-0425 (muc-admin.ts).
    if (target.senderId !== ctx.auth.user.id) {
      throw new StanzaError('forbidden', 'auth', 'only your own messages can be retracted this way');
    }
    await messageChanges.delete(ctx.auth, target.id, { resource: ctx.resource });
    return true;
  }
  const reactions = child(stanza, 'reactions', NS_REACTIONS);
  if (reactions) {
    const target = await referencedMessage(ctx, conversation, reactions.attrs.id ?? '');
    const wanted = new Set(
      children(reactions)
        .filter((r) => r.name === 'reaction')
        .map((r) => text(r).trim())
        .filter((r) => r !== ''),
    );
    const current = new Set(await ctx.services.messages.reactionsBy(ctx.auth, target.id, ctx.auth.user.id));
    for (const emoji of current)
      if (!wanted.has(emoji)) await messageChanges.react(ctx.auth, target.id, emoji, false, { resource: ctx.resource });
    for (const emoji of wanted)
      if (!current.has(emoji)) await messageChanges.react(ctx.auth, target.id, emoji, true, { resource: ctx.resource });
    return true;
  }
  return false;
}
