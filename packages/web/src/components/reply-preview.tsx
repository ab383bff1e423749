/**
 * Above the composer while replying: who and what I am replying to, and a button
 * to stop replying (Escape in the composer does the same).
 */
import { fileSummary } from '@parley/protocol';
import { plainText } from '../lib/markdown';
import { userName } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { CloseIcon } from './icons';
import { UserText } from './user-text';

export function ReplyPreview({ conversationId }: { conversationId: string }) {
  const controller = useController();
  const replyTo = useAppState((s) => s.replyTo[conversationId]);
  const target = useAppState((s) =>
    replyTo === undefined ? undefined : s.conversations[conversationId]?.messages.find((m) => m.id === replyTo),
  );
  const name = useAppState((s) =>
    target === undefined ? '' : target.senderId === s.me.id ? 'yourself' : userName(s.users, target.senderId),
  );
  if (replyTo === undefined) return null;
  const content = target?.content;
  const text =
    content?.type === 'text'
      ? plainText(content.text)
      : content?.type === 'file'
        ? plainText(fileSummary(content))
        : '';
  return (
    <div className="reply-preview" data-testid="reply-preview">
      <div className="reply-preview-text">
        <span className="reply-preview-name">
          Replying to <UserText text={name} />
        </span>
        <UserText className="reply-preview-excerpt" text={text} />
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label="Cancel reply"
        onClick={() => controller.cancelReply(conversationId)}
      >
        <CloseIcon />
      </button>
    </div>
  );
}
