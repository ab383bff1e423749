/**
 * The left column: who I am (and my status, which opens the settings), the theme
 * switch, buttons for a new chat and a new group, the search box, and the
 * conversation list it filters.
 */
import { useEffect, useId, useState } from 'react';
import { createPortal } from 'react-dom';
import { anyThreadUnread } from '../state/reducers';
import { useAppState } from '../state/context';
import { Avatar } from './avatar';
import { ChannelDirectoryDialog } from './channel-directory-dialog';
import { ConversationList } from './conversation-list';
import { CompassIcon, EditIcon, HashIcon, SearchIcon, SettingsIcon, ShieldIcon, ThreadIcon, UsersIcon } from './icons';
import { NewChannelDialog } from './new-channel-dialog';
import { NewChatDialog } from './new-chat-dialog';
import { NewGroupDialog } from './new-group-dialog';
import { SearchDialog } from './search-dialog';
import { SettingsDialog } from './settings-dialog';
import { ThemeToggle } from './theme-toggle';
import { ThreadsDialog } from './threads-dialog';
import { UserText } from './user-text';

type Dialog = 'chat' | 'group' | 'settings' | 'channel' | 'directory' | 'search' | 'threads' | null;

const STATUS_WORDS = { online: 'Online', away: 'Away', busy: 'Busy' } as const;

export function Sidebar({
  onLogout,
  onInvite,
  isAdmin = false,
}: {
  onLogout: () => void;
  onInvite: (code: string) => void;
  /** A server admin: the Administration entry shows (the server enforces it either way). */
  isAdmin?: boolean;
}) {
  const me = useAppState((s) => s.me);
  const unreadThreads = useAppState(anyThreadUnread);
  const myStatus = useAppState((s) => s.myStatus);
  // Offline is what others see of me too, whatever status I chose.
  const offline = useAppState(
    (s) => s.connection === 'disconnected' || (s.connection === 'connecting' && s.everConnected),
  );
  const [query, setQuery] = useState('');
  const [dialog, setDialog] = useState<Dialog>(null);
  const searchId = useId();
  // Ctrl+K (⌘K) searches messages from anywhere.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setDialog('search');
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const close = () => setDialog(null);

  return (
    <nav className="sidebar" aria-label="Conversations">
      <header className="sidebar-header">
        <button type="button" className="me-button" onClick={() => setDialog('settings')}>
          <Avatar id={me.id} name={me.displayName} url={me.avatarUrl} status={offline ? 'offline' : myStatus} />
          <span className="visually-hidden">Your status: </span>
          <span className="me-text">
            <UserText className="me-name" text={me.displayName} />
            {offline ? (
              <span className="me-status" data-testid="my-connection">
                Offline, reconnecting…
              </span>
            ) : (
              <UserText className="me-status" text={me.statusText ?? STATUS_WORDS[myStatus]} />
            )}
          </span>
        </button>
        <div className="sidebar-actions">
          <ThemeToggle />
          {isAdmin && (
            <a className="icon-button" href="#/admin" aria-label="Administration" title="Administration">
              <ShieldIcon />
            </a>
          )}
          <button
            type="button"
            className="icon-button"
            aria-label="Settings"
            title="Settings"
            onClick={() => setDialog('settings')}
          >
            <SettingsIcon />
          </button>
        </div>
      </header>
      <div className="sidebar-tools">
        <div className="search">
          <label htmlFor={searchId} className="visually-hidden">
            Filter conversations
          </label>
          <SearchIcon />
          <input
            id={searchId}
            type="search"
            placeholder="Filter chats"
            autoComplete="off"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label="New group"
          title="New group"
          onClick={() => setDialog('group')}
        >
          <UsersIcon />
        </button>
        <button
          type="button"
          className="icon-button accent"
          aria-label="New chat"
          title="New chat"
          onClick={() => setDialog('chat')}
        >
          <EditIcon />
        </button>
      </div>
      <div className="sidebar-nav">
        <button
          type="button"
          className="nav-button"
          title="Search messages (Ctrl+K)"
          onClick={() => setDialog('search')}
        >
          <SearchIcon />
          <span>Search</span>
        </button>
        <button type="button" className="nav-button" onClick={() => setDialog('threads')}>
          <ThreadIcon />
          <span>Threads</span>
          {unreadThreads && (
            <span className="dot-badge" data-testid="threads-unread">
              <span className="visually-hidden">, unread</span>
            </span>
          )}
        </button>
        <button type="button" className="nav-button" onClick={() => setDialog('directory')}>
          <CompassIcon />
          <span>Channels</span>
        </button>
        <button type="button" className="nav-button" onClick={() => setDialog('channel')}>
          <HashIcon />
          <span>New channel</span>
        </button>
      </div>
      <ConversationList query={query} onNewChat={() => setDialog('chat')} />
      {/* In a portal: on a phone the sidebar is hidden while a chat is open, and Ctrl+K still opens search. */}
      {dialog !== null &&
        createPortal(
          <>
            {dialog === 'chat' && <NewChatDialog onClose={close} />}
            {dialog === 'group' && <NewGroupDialog onClose={close} />}
            {dialog === 'settings' && <SettingsDialog onClose={close} onLogout={onLogout} />}
            {dialog === 'channel' && <NewChannelDialog onClose={close} />}
            {dialog === 'search' && <SearchDialog onClose={close} />}
            {dialog === 'threads' && <ThreadsDialog onClose={close} />}
            {dialog === 'directory' && (
              <ChannelDirectoryDialog
                onClose={close}
                onInvite={(code) => {
                  close();
                  onInvite(code);
                }}
              />
            )}
          </>,
          document.body,
        )}
    </nav>
  );
}
