/**
 * One entry of the conversation list: avatar (with presence for direct chats),
 * title, time of the last message, a one-line preview (or "typing…"), and the
 * unread badge. Its visible text is its accessible name (plus presence and
 * "unread" for screen readers).
 */
import { listTime } from '../lib/format-time';
import { conversationTitle, peerId, previewLine, type Line } from '../lib/names';
import { useAppState, useController, useNow } from '../state/context';
import { Avatar } from './avatar';
import { BellOffIcon } from './icons';
import { LineText, UserText } from './user-text';

export function ConversationItem({ id }: { id: string }) {
  const controller = useController();
  const c = useAppState((s) => s.conversations[id]);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const active = useAppState((s) => s.activeId === id);
  const typing = useAppState((s) => s.typing[id]);
  const blocked = useAppState((s) => s.blocked);
  const peer = c === undefined ? undefined : peerId(c.conversation, me);
  const presence = useAppState((s) => (peer === undefined ? undefined : s.presence[peer]));
  const now = useNow(60_000);
  if (c === undefined) return null;

  const group = c.conversation.kind !== 'direct';
  const channel = c.conversation.kind === 'channel';
  const muted = c.notifyLevel === 'muted';
  const title = conversationTitle(c.conversation, users, me);
  const typers = Object.keys(typing ?? {});
  const topic = c.conversation.topic;
  const preview: Line =
    typers.length > 0
      ? group
        ? [{ user: users[typers[0] ?? '']?.displayName ?? 'Someone' }, ' is typing…']
        : ['typing…']
      : c.lastMessage === null
        ? channel
          ? [topic === null ? 'Channel created' : { user: topic }]
          : group
            ? ['Group created']
            : ['Say hello 👋']
        : blocked.includes(c.lastMessage.senderId) && c.lastMessage.content.type !== 'system'
          ? ['Message from a blocked user']
          : previewLine(c.lastMessage, users, me, group);
  const time = c.lastMessage?.createdAt ?? c.conversation.lastActivityAt;
  return (
    <button
      type="button"
      className={`conversation${active ? ' active' : ''}${c.unread > 0 ? ' has-unread' : ''}${muted ? ' muted' : ''}`}
      aria-current={active ? 'true' : undefined}
      data-conversation-id={id}
      onClick={() => controller.open(id)}
    >
      <Avatar
        id={group ? id : (peer ?? id)}
        name={title}
        url={peer === undefined ? c.conversation.avatarUrl : users[peer]?.avatarUrl}
        status={group ? undefined : presence?.status}
      />
      <span className="conversation-body">
        <span className="conversation-top">
          <span className="conversation-title">
            {channel && <span aria-hidden="true"># </span>}
            <UserText text={title} />
            {presence !== undefined && !group && <span className="visually-hidden">, {presence.status}</span>}
          </span>
          <span className="conversation-time">{listTime(time, now)}</span>
        </span>
        <span className="conversation-bottom">
          <span className={typers.length > 0 ? 'conversation-preview typing' : 'conversation-preview'}>
            <LineText line={preview} />
          </span>
          {muted && (
            <span className="muted-icon" title="Muted">
              <BellOffIcon />
              <span className="visually-hidden">, muted</span>
            </span>
          )}
          {c.mentions > 0 && (
            <span className="mention-badge" data-testid="mention-badge" title={`${c.mentions} mentions`}>
              @<span className="visually-hidden"> {c.mentions} mentions</span>
            </span>
          )}
          {c.unread > 0 ? (
            <span className={muted ? 'unread-badge quiet' : 'unread-badge'} data-testid="unread-badge">
              {c.unread > 99 ? '99+' : c.unread}
              <span className="visually-hidden"> unread</span>
            </span>
          ) : (
            c.markedUnread && (
              <span className="unread-badge dot" data-testid="unread-badge">
                <span className="visually-hidden">marked unread</span>
              </span>
            )
          )}
        </span>
      </span>
    </button>
  );
}
