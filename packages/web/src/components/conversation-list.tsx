/**
 * The conversation list, newest activity first, filtered by the search box
 * (title or username). Up/Down arrows move between entries.
 */
import { useMemo, type KeyboardEvent } from 'react';
import { conversationTitle, peerId } from '../lib/names';
import { useAppState } from '../state/context';
import { orderedIds } from '../state/reducers';
import { ConversationItem } from './conversation-item';

export function ConversationList({ query, onNewChat }: { query: string; onNewChat: () => void }) {
  const conversations = useAppState((s) => s.conversations);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const loaded = useAppState((s) => s.listLoaded);

  const ids = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return orderedIds(conversations).filter((id) => {
      if (needle === '') return true;
      const c = conversations[id];
      if (c === undefined) return false;
      const title = conversationTitle(c.conversation, users, me).toLowerCase();
      const peer = peerId(c.conversation, me);
      const username = peer === undefined ? '' : (users[peer]?.username ?? '');
      return title.includes(needle) || username.includes(needle);
    });
  }, [conversations, users, me, query]);

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button.conversation')];
    const index = buttons.findIndex((b) => b === document.activeElement);
    const next = buttons[index + (event.key === 'ArrowDown' ? 1 : -1)];
    if (next !== undefined) {
      event.preventDefault();
      next.focus();
    }
  };

  if (loaded && Object.keys(conversations).length === 0) {
    return (
      <div className="list-empty">
        <p>No conversations yet.</p>
        <button type="button" className="btn btn-primary" onClick={onNewChat}>
          Start a chat
        </button>
      </div>
    );
  }
  if (ids.length === 0 && query.trim() !== '')
    return <p className="list-empty">No conversation matches “{query.trim()}”.</p>;
  return (
    <ul className="conversation-list" onKeyDown={onKeyDown}>
      {ids.map((id) => (
        <li key={id}>
          <ConversationItem id={id} />
        </li>
      ))}
    </ul>
  );
}
