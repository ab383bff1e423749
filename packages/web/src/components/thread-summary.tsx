/**
 * Under a thread's root: the reply count, the participants' avatars, when the last
 * reply came and an unread dot; a button that opens the thread pane.
 */
import type { Message } from '@parley/protocol';
import { listTime } from '../lib/format-time';
import { userName } from '../lib/names';
import { useAppState, useController, useNow } from '../state/context';
import { threadUnread } from '../state/reducers';
import { Avatar } from './avatar';

export function ThreadSummary({ message }: { message: Message }) {
  const controller = useController();
  const users = useAppState((s) => s.users);
  const unread = useAppState((s) => threadUnread(s, message));
  const now = useNow(60_000);
  const thread = message.thread;
  if (thread === undefined || thread.replyCount === 0) return null;
  return (
    <button
      type="button"
      className={unread ? 'thread-summary unread' : 'thread-summary'}
      data-testid="thread-summary"
      onClick={() => controller.openPanel({ kind: 'thread', rootId: message.id })}
    >
      <span className="thread-avatars" aria-hidden="true">
        {thread.participantIds.slice(0, 3).map((id) => (
          <Avatar key={id} id={id} name={userName(users, id)} url={users[id]?.avatarUrl} size="sm" />
        ))}
      </span>
      <span className="thread-count">{thread.replyCount === 1 ? '1 reply' : `${thread.replyCount} replies`}</span>
      {thread.lastReplyAt !== null && <span className="thread-last">{listTime(thread.lastReplyAt, now)}</span>}
      {unread && (
        <span className="thread-unread" data-testid="thread-unread">
          <span className="visually-hidden">, unread</span>
        </span>
      )}
    </button>
  );
}
