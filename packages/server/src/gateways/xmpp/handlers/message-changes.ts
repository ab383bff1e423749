/**
 * Update entries (edits, deletes, reactions) as XMPP sees them, never as chat
 * bodies: an edit is a XEP-0308 correction of the original stanza, a delete a
 * XEP-0424 retraction (with a fallback body for clients that do not know it), a
 * reaction change the author's whole XEP-0444 reaction set on the message. Pins
 * have no XMPP form and are not sent. The original is named by the id XMPP peers
 * know it by (stanzaIdOf). Used for live delivery, groupchat and MAM alike.
 * Inbound changes (sent by XMPP clients) are message-changes-in.ts.
 */
import { ENCRYPTED_NOTICE } from '../../../domain/content-text';
import { componentsAsText } from '../../../domain/components';
import { callBody } from '../call-body';
import { fileSummary, formatFileSize, type FileContent, type Message } from '@parley/protocol';
import { AppError } from '../../../domain/errors';
import type { XmppContext } from '../router';
import { el, type XmlElement } from '../xml';
import { fileUrl, NS_OOB } from './upload';

export const NS_CORRECT = 'urn:xmpp:message-correct:0';
export const NS_RETRACT = 'urn:xmpp:message-retract:1';
export const NS_REACTIONS = 'urn:xmpp:reactions:0';
export const NS_MODERATE = 'urn:xmpp:message-moderate:1';
const NS_FALLBACK = 'urn:xmpp:fallback:0';
const NS_HINTS = 'urn:xmpp:hints';

/** The id XMPP peers know a message by (as outbound.ts stanzaIdOf: kept here to avoid an import cycle). */
function originalId(message: Message): string {
  return message.clientId.startsWith('x_') ? message.clientId.slice(2) : message.id;
}

/**
 * A file message as XMPP text when no link can be given (the reader may not see the
 * file, or it is gone): the caption (if any), then a line naming the file, e.g.
 * `[Photo: beach.jpg, 1.2 MB]`. With a link, filePayload.
 */
export function fileBody(content: FileContent): string {
  const { caption, ...file } = content;
  const line = `[${fileSummary(file)}, ${formatFileSize(content.size)}]`;
  return caption !== undefined && caption.trim() !== '' ? `${caption}\n${line}` : line;
}

/**
 * The caption in the body of an XMPP correction of a file message: the body as
 * fileBody wrote it, edited, so the line naming the file (if still there) goes.
 */
export function captionFromBody(body: string, content: FileContent): string {
  const { caption: _caption, ...file } = content;
  const line = fileBody(file);
  if (body === line) return '';
  if (body.endsWith(`\n${line}`)) return body.slice(0, -line.length - 1);
  // The last line is the file's link (filePayload), as the client received it.
  const lines = body.split('\n');
  const last = lines[lines.length - 1] ?? '';
  if (/^https?:\/\/\S+$/.test(last) && last.includes(`/v1/xmpp-files/${content.fileId}/`)) {
    return lines.slice(0, -1).join('\n');
  }
  return body;
}

/**
 * A file message with a link (XEP-0363 GET capability): the body is the URL alone
 * when there is no caption (what clients show inline as an image or file), else the
 * caption then the URL on its own line; XEP-0066 `<x xmlns='jabber:x:oob'>` carries the
 * URL (and the caption as `<desc/>`). Without a link (the reader may not see the file,
 * or it is gone): fileBody.
 */
async function filePayload(ctx: XmppContext, content: FileContent): Promise<XmlElement[]> {
  const url = await fileUrl(ctx, content.fileId);
  if (url === null) return [el('body', {}, fileBody(content))];
  const caption = content.caption !== undefined && content.caption.trim() !== '' ? content.caption : undefined;
  return [
    el('body', {}, caption === undefined ? url : `${caption}\n${url}`),
    el('x', { xmlns: NS_OOB }, el('url', {}, url), ...(caption === undefined ? [] : [el('desc', {}, caption)])),
  ];
}

/**
 * The children of the stanza carrying a message: its body for text or a file
 * (fileBody) or a call record (callBody: its changes are corrections), the XEP
 * elements for an update entry; null for what XMPP has no
 * stanza for (system changes, tombstones, pins, link previews, a target the reader cannot see).
 */
export async function messagePayload(ctx: XmppContext, message: Message): Promise<XmlElement[] | null> {
  const content = message.content;
  // A bot's buttons and menu become text: XMPP has no widely supported way to click them.
  if (content.type === 'text') return [el('body', {}, content.text + componentsAsText(content.components))];
  if (content.type === 'file') return filePayload(ctx, content);
  // XMPP clients cannot read MLS: they are told so; commits have no stanza (domain/content-text.ts).
  if (content.type === 'mls') return content.kind === 'application' ? [el('body', {}, ENCRYPTED_NOTICE)] : null;
  // A call record is a body; its changes correct it (no Jingle: XMPP clients see call history as text).
  if (content.type === 'call') return [el('body', {}, callBody(content))];
  // Pins and link previews have no stanza: XMPP clients show the link in the body as it is.
  if (
    content.type !== 'update' ||
    content.action === 'pinned' ||
    content.action === 'unpinned' ||
    content.action === 'link_previews.set' ||
    content.action === 'link_previews.removed'
  ) {
    return null;
  }
  // Retention deleted the targets: XMPP has no stanza for it; clients keep their own archives (docs/xmpp.md).
  if (content.action === 'expired') return null;
  let target: Message;
  try {
    target = await ctx.services.messages.get(ctx.auth, content.messageId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return null;
    throw error;
  }
  const id = originalId(target);
  switch (content.action) {
    case 'edited': {
      // A file message's edit is a new caption: the corrected body still names the file.
      const text = content.text ?? '';
      const body =
        target.content.type === 'file'
          ? await filePayload(ctx, { ...target.content, caption: text })
          : [
              el(
                'body',
                {},
                text +
                  componentsAsText(
                    content.components ?? (target.content.type === 'text' ? target.content.components : undefined),
                  ),
              ),
            ];
      return [...body, el('replace', { xmlns: NS_CORRECT, id })];
    }
    case 'deleted': {
      // XEP-0425: someone else's message removed by a moderator of the room.
      const moderated =
        message.senderId === target.senderId
          ? []
          : [
              el('moderated', {
                xmlns: NS_MODERATE,
                by: `${ctx.jids.room(message.conversationId)}/${(await ctx.services.accounts.getUser(message.senderId)).username}`,
              }),
            ];
      return [
        el('retract', { xmlns: NS_RETRACT, id }, ...moderated),
        el('fallback', { xmlns: NS_FALLBACK, for: NS_RETRACT }),
        el('body', {}, 'This message was deleted.'),
        el('store', { xmlns: NS_HINTS }),
      ];
    }
    case 'call':
      return content.call === undefined
        ? null
        : [el('body', {}, callBody(content.call)), el('replace', { xmlns: NS_CORRECT, id })];
    case 'reaction.added':
    case 'reaction.removed': {
      const emoji = await ctx.services.messages.reactionsBy(ctx.auth, target.id, message.senderId);
      return [
        el('reactions', { xmlns: NS_REACTIONS, id }, ...emoji.map((e) => el('reaction', {}, e))),
        el('store', { xmlns: NS_HINTS }),
      ];
    }
  }
}
