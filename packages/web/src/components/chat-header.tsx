/**
 * The open conversation's header: a back button (phone width), avatar, title and
 * the subtitle: presence and status text for a direct chat, member count and how
 * many are online for a group.
 */
import { conversationTitle, peerId } from '../lib/names';
import { presenceLabel } from '../lib/presence-label';
import { useAppState, useController, useNow } from '../state/context';
import { Avatar } from './avatar';
import { BackIcon } from './icons';

export function ChatHeader({ id }: { id: string }) {
  const controller = useController();
  const conversation = useAppState((s) => s.conversations[id]?.conversation);
  const users = useAppState((s) => s.users);
  const presence = useAppState((s) => s.presence);
  const me = useAppState((s) => s.me.id);
  const now = useNow();
  if (conversation === undefined) return null;

  const title = conversationTitle(conversation, users, me);
  const peer = peerId(conversation, me);
  let subtitle: string;
  let status;
  if (peer !== undefined) {
    status = presence[peer]?.status;
    const words = presenceLabel(presence[peer], now);
    const text = users[peer]?.statusText;
    subtitle = [words, text].filter((x) => x !== undefined && x !== null && x !== '').join(' · ');
  } else {
    const online = conversation.members.filter(
      (m) => m.userId !== me && (presence[m.userId]?.status ?? 'offline') !== 'offline',
    ).length;
    subtitle = `${conversation.members.length} members${online > 0 ? `, ${online} online` : ''}`;
  }

  return (
    <header className="chat-header">
      <button
        type="button"
        className="icon-button back-button"
        aria-label="Back to conversations"
        onClick={() => controller.open(null)}
      >
        <BackIcon />
      </button>
      <Avatar id={peer ?? id} name={title} url={peer === undefined ? null : users[peer]?.avatarUrl} status={status} />
      <div className="chat-header-text">
        <h2 className="chat-title">{title}</h2>
        <p className="chat-subtitle" data-testid="chat-subtitle">
          {subtitle}
        </p>
      </div>
    </header>
  );
}
