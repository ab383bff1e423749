/**
 * A message shown outside the timeline (pins, search results, reports, threads
 * list): sender, time and the text (with highlighted ranges for search), as a
 * button that jumps to it in its conversation. Name, context and text are each in
 * bidi isolation (user-text.tsx).
 */
import { balanceBidi, fileSummary, type Message } from '@parley/protocol';
import { Fragment, type ReactNode } from 'react';
import { listTime } from '../lib/format-time';
import { plainText } from '../lib/markdown';
import { userName } from '../lib/names';
import { useAppState, useController, useNow } from '../state/context';
import { Avatar } from './avatar';
import { UserText } from './user-text';

/** The text with [start, end) ranges wrapped in <mark>. */
export function highlighted(text: string, ranges: readonly (readonly [number, number])[]): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  for (const [start, end] of sorted) {
    if (start < at || end <= start || start >= text.length) continue;
    if (start > at) out.push(<Fragment key={`t${at}`}>{text.slice(at, start)}</Fragment>);
    out.push(<mark key={`m${start}`}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) out.push(<Fragment key={`t${at}`}>{text.slice(at)}</Fragment>);
  return out;
}

export function MessageCard({
  message,
  highlights,
  context,
  onOpen,
  children,
}: {
  message: Message;
  highlights?: readonly (readonly [number, number])[];
  /** A line above the text, e.g. the conversation's name. */
  context?: string;
  onOpen?: () => void;
  children?: ReactNode;
}) {
  const controller = useController();
  const name = useAppState((s) => (message.senderId === s.me.id ? 'You' : userName(s.users, message.senderId)));
  // The avatar shows the person's own initials, never those of a label such as "You".
  const realName = useAppState((s) => userName(s.users, message.senderId));
  const avatar = useAppState((s) => s.users[message.senderId]?.avatarUrl);
  const now = useNow(60_000);
  // A file shows its caption (what search matched), else its kind and name.
  const raw =
    message.content.type === 'text'
      ? message.content.text
      : message.content.type === 'file'
        ? fileSummary(message.content)
        : '';
  // balanceBidi keeps offsets (it only neutralizes and appends): the highlights still fit.
  const body =
    message.content.type === 'deleted'
      ? 'This message was deleted'
      : highlights !== undefined
        ? highlighted(balanceBidi(raw), highlights)
        : balanceBidi(plainText(raw));
  const open =
    onOpen ?? (() => void controller.jumpTo(message.conversationId, message.id, message.seq, message.threadId));
  return (
    <div className="message-card" data-testid="message-card">
      <button type="button" className="message-card-open" onClick={open}>
        <Avatar id={message.senderId} name={realName} url={avatar} size="sm" />
        <span className="message-card-body">
          <span className="message-card-top">
            <UserText className="message-card-name" text={name} />
            {context !== undefined && (
              <span className="message-card-context">
                in <UserText text={context} />
              </span>
            )}
            <span className="message-card-time">{listTime(message.createdAt, now)}</span>
          </span>
          <bdi className="message-card-text">{body}</bdi>
        </span>
      </button>
      {children}
    </div>
  );
}
