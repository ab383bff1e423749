/**
 * One message bubble: mine on the right, others' on the left; in groups and
 * channels the sender's name heads a run and their avatar ends it. It shows a
 * quoted reply, "Forwarded", the Markdown text or the file (image, video, voice,
 * card) with its caption, link previews under a text (or the inline editor of the text or caption, or the
 * tombstone of a deleted message), pinned and edited markers, time and ticks,
 * reactions, the thread summary and the actions menu. A pending message shows a
 * clock, or, if it failed, why and buttons to retry or discard it. A message from
 * someone I blocked shows collapsed until I choose to show it. A call record is a
 * line of its own (how the call went, its duration).
 */
import type { CallContent, Conversation, Message, User } from '@parley/protocol';
import { memo } from 'react';
import { colorSlot } from '../lib/avatar';
import { callRecordText } from '../lib/call-text';
import { clockTime } from '../lib/format-time';
import { mentionsMe } from '../lib/mentions';
import { userName } from '../lib/names';
import { can } from '../lib/permissions';
import type { PendingItem } from '../lib/timeline-items';
import { useAppState, useController } from '../state/context';
import { Avatar } from './avatar';
import { PersonAvatarButton, PersonButton } from './profile-card';
import { FileMessage } from './file-message';
import { LinkPreviews } from './link-preview-card';
import { PhoneIcon, PinIcon, VideoIcon } from './icons';
import { MessageActions, type MessagePermissions } from './message-actions';
import { MessageEditor } from './message-editor';
import { mentionContext, MessageText } from './message-text';
import { meAction } from '../lib/commands';
import { MessageComponents } from './message-components';
import { ReactionBar } from './reaction-bar';
import { ReplyQuote } from './reply-quote';
import { ThreadSummary } from './thread-summary';
import { deliveryStatus, Ticks } from './ticks';
import { UserText } from './user-text';

interface RowProps {
  conversation: Conversation;
  users: Readonly<Record<string, User>>;
  me: string;
  first: boolean;
  last: boolean;
  /** Shown in a thread pane: no thread summary or "reply in thread". */
  inThread?: boolean;
  /** Opens the gallery at this image. */
  onOpenImage: (fileId: string) => void;
}

function usePermissions(
  message: Message,
  conversation: Conversation,
  me: string,
  inThread: boolean,
): MessagePermissions {
  const role = useAppState((s) => s.conversations[conversation.id]?.role);
  const editWindow = useAppState((s) => s.limits?.editWindowSeconds ?? 0);
  const seat = {
    kind: conversation.kind,
    postPolicy: conversation.postPolicy,
    role,
    archived: conversation.archivedAt !== undefined,
  };
  const mine = message.senderId === me;
  // A file message is a message like a text: its caption is what an edit changes.
  const text = message.content.type === 'text' || message.content.type === 'file';
  const withinWindow = editWindow === 0 || Date.now() - message.createdAt < editWindow * 1000;
  return {
    react: text && can('react', seat),
    reply: text && can('post', seat) && !inThread,
    thread: text && can('post', seat) && !inThread && message.threadId === undefined,
    edit: text && mine && can('editOwn', seat) && withinWindow && message.forwardedFrom === undefined,
    delete: text && ((mine && can('deleteOwn', seat)) || can('deleteAny', seat)),
    pin: text && can('pin', seat) && message.threadId === undefined,
    forward: text,
    report: text && !mine && can('report', seat),
    markUnread: !mine && message.threadId === undefined && !inThread,
  };
}

export const MessageRow = memo(function MessageRow({
  message,
  conversation,
  users,
  me,
  first,
  last,
  inThread = false,
  onOpenImage,
}: RowProps & { message: Message }) {
  const editing = useAppState((s) => s.editing === message.id);
  const meUser = useAppState((s) => s.me);
  const collapsed = useAppState((s) => s.blocked.includes(message.senderId) && s.revealed[message.id] !== true);
  const allowed = usePermissions(message, conversation, me, inThread);
  const content = message.content;
  if (content.type === 'call') return <CallRecordRow message={message} content={content} me={me} />;
  if (content.type !== 'text' && content.type !== 'file' && content.type !== 'deleted') return null;
  if (collapsed && content.type !== 'deleted' && message.senderId !== me) {
    return <BlockedRow message={message} first={first} last={last} />;
  }
  const deleted = content.type === 'deleted';
  const mine = message.senderId === me;
  const group = conversation.kind !== 'direct';
  const name = mine ? 'You' : userName(users, message.senderId);
  const sender = users[message.senderId];
  const showName = group && !mine && (first || inThread);
  const classes = [
    'msg',
    mine ? 'mine' : 'theirs',
    first ? 'first' : '',
    last ? 'last' : '',
    mentionsMe(message, me) ? 'mentions-me' : '',
    deleted ? 'deleted' : '',
    content.type === 'file' ? 'has-file' : '',
  ].filter((c) => c !== '');
  return (
    <div
      className={classes.join(' ')}
      data-seq={message.seq}
      data-message-id={message.id}
      id={`msg-${message.id}`}
      data-testid="message"
    >
      {group && !mine && (
        <div className="msg-avatar">
          {(last || inThread) && (
            <PersonAvatarButton userId={message.senderId}>
              <Avatar id={message.senderId} name={name} url={sender?.avatarUrl} size="sm" />
            </PersonAvatarButton>
          )}
        </div>
      )}
      <div className="msg-main">
        <div className="bubble">
          {showName && (
            <div className={`msg-sender name-c${colorSlot(message.senderId)}`}>
              <PersonButton userId={message.senderId}>
                <UserText text={name} />
              </PersonButton>
            </div>
          )}
          <span className="visually-hidden">
            <UserText text={name} />:{' '}
          </span>
          {message.forwardedFrom !== undefined && (
            <div className="msg-forwarded">
              Forwarded from <UserText text={userName(users, message.forwardedFrom.senderId)} />
            </div>
          )}
          {message.replyTo !== undefined && (
            <ReplyQuote conversationId={message.conversationId} quote={message.replyTo} />
          )}
          {content.type === 'deleted' ? (
            <div className="msg-text msg-tombstone">This message was deleted</div>
          ) : content.type === 'file' ? (
            <>
              <FileMessage
                content={content}
                onOpenImage={onOpenImage}
                mentions={mentionContext(users, meUser)}
                hideCaption={editing}
              />
              {editing && <MessageEditor messageId={message.id} text={content.caption ?? ''} />}
            </>
          ) : editing ? (
            <MessageEditor messageId={message.id} text={content.text} />
          ) : (
            <>
              {meAction(content.text) === undefined ? (
                <MessageText text={content.text} mentions={mentionContext(users, meUser)} />
              ) : (
                // "/me waves" (IRC, XMPP's XEP-0245): an action, shown as "* Alice waves".
                <div className="msg-action" data-testid="msg-action">
                  <span className="msg-action-actor">* {userName(users, message.senderId)}</span>
                  <MessageText text={meAction(content.text) ?? ''} mentions={mentionContext(users, meUser)} />
                </div>
              )}
              {content.components !== undefined && content.components.length > 0 && (
                <MessageComponents message={message} components={content.components} />
              )}
              {message.linkPreviews !== undefined && (
                <LinkPreviews messageId={message.id} previews={message.linkPreviews} mine={mine} />
              )}
            </>
          )}
          <span className="msg-meta">
            {message.pinnedAt !== undefined && (
              <span className="msg-pinned" title="Pinned">
                <PinIcon />
                <span className="visually-hidden">pinned</span>
              </span>
            )}
            {message.editedAt !== undefined && !deleted && (
              <span className="msg-edited" title={new Date(message.editedAt).toLocaleString()}>
                edited
              </span>
            )}
            <time
              dateTime={new Date(message.createdAt).toISOString()}
              title={new Date(message.createdAt).toLocaleString()}
            >
              {clockTime(message.createdAt)}
            </time>
            {mine && conversation.kind !== 'channel' && (
              <Ticks status={deliveryStatus(conversation, me, message.seq)} />
            )}
          </span>
        </div>
        {!deleted && <ReactionBar message={message} canReact={allowed.react} />}
        {!inThread && <ThreadSummary message={message} />}
      </div>
      {!deleted && !editing && <MessageActions message={message} allowed={allowed} />}
    </div>
  );
});

/** A call record: a line in the middle of the timeline (`Missed video call`, `Voice call · 2:05`). */
function CallRecordRow({ message, content, me }: { message: Message; content: CallContent; me: string }) {
  const mine = message.senderId === me;
  const missed = !mine && (content.status === 'missed' || content.status === 'cancelled' || content.status === 'busy');
  return (
    <div
      className="call-record"
      data-seq={message.seq}
      data-message-id={message.id}
      id={`msg-${message.id}`}
      data-testid="call-record"
      data-status={content.status}
    >
      <span className={`call-record-pill${missed ? ' missed' : ''}`}>
        {content.media === 'video' ? <VideoIcon /> : <PhoneIcon />}
        <span>{callRecordText(content, mine)}</span>
        <time dateTime={new Date(message.createdAt).toISOString()}>{clockTime(message.createdAt)}</time>
      </span>
    </div>
  );
}

/**
 * A message from someone I blocked, collapsed (as Telegram and Discord do): it stays in the
 * timeline, in order, and one click shows it.
 */
function BlockedRow({ message, first, last }: { message: Message; first: boolean; last: boolean }) {
  const controller = useController();
  return (
    <div
      className={`msg theirs blocked-msg${first ? ' first' : ''}${last ? ' last' : ''}`}
      data-seq={message.seq}
      data-message-id={message.id}
      id={`msg-${message.id}`}
      data-testid="message"
      data-blocked="true"
    >
      <div className="msg-main">
        <button
          type="button"
          className="blocked-message"
          data-testid="blocked-message"
          onClick={() => controller.reveal(message.id)}
        >
          Message from a blocked user <span className="blocked-show">Show</span>
        </button>
      </div>
    </div>
  );
}

export function PendingRow({ pending, first }: { pending: PendingItem; first: boolean }) {
  const controller = useController();
  return (
    <div
      className={`msg mine last${first ? ' first' : ''}${pending.failed === undefined ? ' pending' : ' failed'}`}
      data-testid="message"
      data-pending="true"
    >
      <div className="msg-main">
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
    </div>
  );
}
