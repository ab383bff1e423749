/**
 * The quoted message above a reply: who wrote it and the first words, as a button
 * that scrolls to the original (loading older history if needed).
 */
import type { ReplyRef } from '@parley/protocol';
import { colorSlot } from '../lib/avatar';
import { plainText } from '../lib/markdown';
import { userName } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { UserText } from './user-text';

export function ReplyQuote({ conversationId, quote }: { conversationId: string; quote: ReplyRef }) {
  const controller = useController();
  const name = useAppState((s) => (quote.senderId === s.me.id ? 'You' : userName(s.users, quote.senderId)));
  const excerpt = quote.excerpt === '' ? 'Deleted message' : plainText(quote.excerpt);
  return (
    <button
      type="button"
      className="reply-quote"
      data-testid="reply-quote"
      onClick={() => void controller.jumpTo(conversationId, quote.messageId, quote.seq)}
    >
      <span className="visually-hidden">Reply to </span>
      <UserText className={`reply-quote-name name-c${colorSlot(quote.senderId)}`} text={name} />
      <UserText className={quote.excerpt === '' ? 'reply-quote-text deleted' : 'reply-quote-text'} text={excerpt} />
    </button>
  );
}
