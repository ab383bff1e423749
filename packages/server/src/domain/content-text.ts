/**
 * The one place that says what text the server may derive things from (search index, reply
 * excerpts, mentions, search highlights, XMPP bodies): a text message's text, a file's caption.
 * An end-to-end encrypted message (`content.type: "mls"`) has no text the server can see:
 * every deriver asks here and gets `readable: false` with the reason, and skips cleanly instead
 * of indexing, quoting or mentioning ciphertext. Pure: no I/O.
 */
import type { MessageContent } from '@parley/protocol';

export type ContentText =
  | { readable: true; text: string; field: 'text' | 'caption' }
  /** `encrypted`: MLS ciphertext; `none`: a kind of entry without text (system, update, tombstone, a file without caption). */
  | { readable: false; reason: 'encrypted' | 'none' };

export function contentText(content: MessageContent): ContentText {
  switch (content.type) {
    case 'text':
      return { readable: true, text: content.text, field: 'text' };
    case 'file':
      return content.caption === undefined
        ? { readable: false, reason: 'none' }
        : { readable: true, text: content.caption, field: 'caption' };
    case 'mls':
      return { readable: false, reason: 'encrypted' };
    default:
      return { readable: false, reason: 'none' };
  }
}

/** True for content the server cannot read (end-to-end encrypted). */
export function isOpaque(content: MessageContent): boolean {
  const text = contentText(content);
  return !text.readable && text.reason === 'encrypted';
}

/** What a client that cannot decrypt (an XMPP client, a notification) is shown instead of the text. */
export const ENCRYPTED_NOTICE =
  'This message is end-to-end encrypted. Open the conversation in a Parley app that supports encryption to read it.';
