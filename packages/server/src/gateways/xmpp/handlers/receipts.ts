/**
 * Chat states (XEP-0085) = typing; delivery receipts (XEP-0184) and chat markers
 * (XEP-0333) = Parley's delivered and read cursors, in direct conversations.
 * Incoming: `<composing/>` sets typing, `<paused/>`/`<active/>`/`<inactive/>`/
 * `<gone/>` clear it; a `<displayed/>` marker marks the conversation read up to
 * its newest message (markers name a stanza id, and reading is cumulative).
 * `<received/>` needs nothing: writing a message to a resource already moved the
 * delivered cursor. Outgoing: a native read receipt becomes `<displayed/>` and a
 * delivered one `<received/>`, naming the message by the id the XMPP peer knows, and
 * only for messages that asked for it (XEP-0184 5.4: `<request/>`; XEP-0333: `<markable/>`),
 * as this resource remembers them.
 */
import type { ReceiptKind } from '@parley/protocol';
import { AppError } from '../../../domain/errors';
import { stanzaIdOf } from '../outbound';
import type { XmppContext } from '../router';
import { child, el, type XmlElement } from '../xml';

export const NS_CHATSTATES = 'http://jabber.org/protocol/chatstates';
export const NS_RECEIPTS = 'urn:xmpp:receipts';
export const NS_MARKERS = 'urn:xmpp:chat-markers:0';

export function chatStateStanza(ctx: XmppContext, from: string, typing: boolean): XmlElement {
  return el(
    'message',
    { type: 'chat', from, to: ctx.fullJid },
    el(typing ? 'composing' : 'active', { xmlns: NS_CHATSTATES }),
  );
}

const REMEMBERED_REQUESTS = 1000;

/** Remembers a client id in a bounded, insertion-ordered set. */
export function rememberRequest(set: Set<string>, clientId: string): void {
  set.add(clientId);
  if (set.size > REMEMBERED_REQUESTS) set.delete(set.values().next().value as string);
}

export async function receiptStanza(
  ctx: XmppContext,
  from: string,
  conversationId: string,
  kind: ReceiptKind,
  seq: number,
): Promise<XmlElement | null> {
  const wanted = kind === 'read' ? ctx.state.markable : ctx.state.receiptRequests;
  // Nothing asked for: no lookup at all (the common case for clients without receipts).
  if (wanted.size === 0) return null;
  const { messages } = await ctx.services.messages.history(ctx.auth, { conversationId, after: seq - 1, limit: 1 });
  const message = messages[0];
  if (!message || message.seq !== seq || message.senderId !== ctx.auth.user.id) return null;
  if (!wanted.delete(message.clientId)) return null;
  const id = stanzaIdOf(message);
  const payload =
    kind === 'read' ? el('displayed', { xmlns: NS_MARKERS, id }) : el('received', { xmlns: NS_RECEIPTS, id });
  return el('message', { from, to: ctx.fullJid }, payload);
}

/** Handles the chat state and marker parts of an incoming chat message to a direct conversation. */
export async function onChatExtras(ctx: XmppContext, stanza: XmlElement, conversationId: string): Promise<void> {
  const typing = child(stanza, 'composing', NS_CHATSTATES)
    ? true
    : ['paused', 'active', 'inactive', 'gone'].some((s) => child(stanza, s, NS_CHATSTATES))
      ? false
      : undefined;
  if (typing !== undefined) {
    try {
      await ctx.services.receipts.setTyping(ctx.auth, conversationId, typing);
    } catch (error) {
      // Typing needs the right to post: a chat state from someone who may not is dropped, unanswered.
      if (!(error instanceof AppError)) throw error;
    }
  }
  if (child(stanza, 'displayed', NS_MARKERS)) {
    const conversation = await ctx.services.conversations.get(ctx.auth, conversationId);
    if (conversation.lastSeq > 0) {
      await ctx.services.receipts.setReceipt(ctx.auth, conversationId, 'read', conversation.lastSeq);
    }
  }
}
