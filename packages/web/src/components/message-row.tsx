/**
 * One message bubble: mine on the right, others' on the left; in groups the
 * sender's name heads a run and their avatar ends it. Time and delivery ticks sit
 * in the bubble's corner. A pending message shows a clock, or, if it failed,
 * why and buttons to retry or discard it.
 */
import type { Conversation, Message, User } from '@parley/protocol';
import { memo } from 'react';
import { colorSlot } from '../lib/avatar';
import { clockTime } from '../lib/format-time';
import { userName } from '../lib/names';
import type { PendingItem } from '../lib/timeline-items';
import { useController } from '../state/context';
import { Avatar } from './avatar';
import { FileMessage } from './file-message';
import { MessageText } from './message-text';
import { deliveryStatus, Ticks } from './ticks';

interface RowProps {
  conversation: Conversation;
  /** Opens the gallery at this image. */
  onOpenImage: (fileId: string) => void;
  users: Readonly<Record<string, User>>;
  me: string;
  first: boolean;
  last: boolean;
}

export const MessageRow = memo(function MessageRow({
  message,
  conversation,
  users,
  me,
  first,
  last,
  onOpenImage,
}: RowProps & { message: Message }) {
  const content = message.content;
  if (content.type !== 'text' && content.type !== 'file') return null;
  const mine = message.senderId === me;
  const group = conversation.kind === 'group';
  const name = mine ? 'You' : userName(users, message.senderId);
  const sender = users[message.senderId];
  return (
    <div
      className={`msg ${mine ? 'mine' : 'theirs'}${first ? ' first' : ''}${last ? ' last' : ''}${content.type === 'file' ? ' has-file' : ''}`}
      data-seq={message.seq}
      data-testid="message"
    >
      {group && !mine && (
        <div className="msg-avatar">
          {last && <Avatar id={message.senderId} name={name} url={sender?.avatarUrl} size="sm" />}
        </div>
      )}
      <div className="bubble">
        {group && !mine && first && <div className={`msg-sender name-c${colorSlot(message.senderId)}`}>{name}</div>}
        <span className="visually-hidden">{name}: </span>
        {content.type === 'text' ? (
          <MessageText text={content.text} />
        ) : (
          <FileMessage content={content} onOpenImage={onOpenImage} />
        )}
        <span className="msg-meta">
          <time
            dateTime={new Date(message.createdAt).toISOString()}
            title={new Date(message.createdAt).toLocaleString()}
          >
            {clockTime(message.createdAt)}
          </time>
          {mine && <Ticks status={deliveryStatus(conversation, me, message.seq)} />}
        </span>
      </div>
    </div>
  );
});

export function PendingRow({ pending, first }: { pending: PendingItem; first: boolean }) {
  const controller = useController();
  return (
    <div
      className={`msg mine last${first ? ' first' : ''}${pending.failed === undefined ? ' pending' : ' failed'}`}
      data-testid="message"
      data-pending="true"
    >
      <div className="bubble">
        <span className="visually-hidden">You: </span>
        <MessageText text={pending.text} />
        <span className="msg-meta">
          <time dateTime={new Date(pending.createdAt).toISOString()}>{clockTime(pending.createdAt)}</time>
          <Ticks status="sending" />
        </span>
      </div>
      {pending.failed !== undefined && (
        <div className="msg-failed" role="alert">
          Not sent: {pending.failed}{' '}
          <button type="button" className="link-button" onClick={() => controller.retry(pending.clientId)}>
            Retry
          </button>{' '}
          <button type="button" className="link-button" onClick={() => controller.discard(pending.clientId)}>
            Delete
          </button>
        </div>
      )}
    </div>
  );
}
