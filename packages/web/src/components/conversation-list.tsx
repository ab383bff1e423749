/**
 * The conversation list: sections (favourites, channels, groups, direct messages) that
 * fold, each newest activity first (favourites in the user's order), filtered by the
 * search box (title or username) and by "unread only". Virtualized: a long list renders
 * only the rows near the view (a short one renders every row). Up/Down move between
 * entries; Ctrl+Shift+Up/Down (or dragging) reorders favourites; Alt+Up/Down and
 * Alt+Shift+Up/Down open the previous/next (unread) conversation from anywhere; Ctrl+/
 * or ? lists the shortcuts. Favourites are kept by the server for every device of the user
 * (state/favourites.ts); folded sections and the filter are per device (lib/sidebar-prefs.ts).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { conversationTitle, peerId } from '../lib/names';
import { toggleFolded, updateSidebarPrefs, useSidebarPrefs } from '../lib/sidebar-prefs';
import { neighbour, reorder, sidebarRows, type ListEntry, type SectionId, type SidebarRow } from '../lib/sidebar-rows';
import { useAppState, useController } from '../state/context';
import { favouriteOrder } from '../state/favourites';
import { DndChip } from './attention-settings';
import { ConversationItem } from './conversation-item';
import { ShortcutsDialog } from './shortcuts-dialog';
import { ChevronDownIcon, KeyboardIcon, StarIcon, UnreadIcon } from './sidebar-icons';

/** Up to this many rows, every row is rendered (cheap, and find-in-page sees them all). */
const RENDER_ALL_UP_TO = 150;
const DRAG_TYPE = 'application/x-parley-favourite';

const editable = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

export function ConversationList({ query, onNewChat }: { query: string; onNewChat: () => void }) {
  const controller = useController();
  const conversations = useAppState((s) => s.conversations);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const loaded = useAppState((s) => s.listLoaded);
  const activeId = useAppState((s) => s.activeId);
  const prefs = useSidebarPrefs(me);
  const [help, setHelp] = useState(false);
  const [announce, setAnnounce] = useState('');
  const scroller = useRef<HTMLDivElement>(null);

  const entries = useMemo<ListEntry[]>(
    () =>
      Object.values(conversations).map((c) => ({
        id: c.conversation.id,
        kind: c.conversation.kind,
        lastActivityAt: c.conversation.lastActivityAt,
        unread: c.unread > 0 || c.markedUnread,
        archived: c.conversation.archivedAt !== undefined,
      })),
    [conversations],
  );
  const needle = query.trim().toLowerCase();
  const matches = useMemo(() => {
    if (needle === '') return undefined;
    const found = new Set<string>();
    for (const c of Object.values(conversations)) {
      const title = conversationTitle(c.conversation, users, me).toLowerCase();
      const peer = peerId(c.conversation, me);
      const username = peer === undefined ? '' : (users[peer]?.username ?? '');
      if (title.includes(needle) || username.includes(needle)) found.add(c.conversation.id);
    }
    return found;
  }, [conversations, users, me, needle]);
  // My favourites in my order (kept by the server, the same on every device of mine).
  const favourites = useMemo(() => favouriteOrder(conversations), [conversations]);
  const rows = useMemo(
    () =>
      sidebarRows(entries, {
        favourites,
        folded: new Set(prefs.folded),
        unreadOnly: prefs.unreadOnly,
        activeId,
        ...(matches === undefined ? {} : { matches }),
      }),
    [entries, favourites, prefs, activeId, matches],
  );

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === 'header' ? 34 : 66),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: rows.length <= RENDER_ALL_UP_TO ? rows.length : 12,
  });

  // The open conversation stays in view (opened by a shortcut, a link or a notification).
  useEffect(() => {
    if (activeId === null) return;
    const index = rows.findIndex((r) => r.kind === 'conversation' && r.id === activeId);
    if (index !== -1) virtualizer.scrollToIndex(index, { align: 'auto' });
    // Only when the open conversation changes (not on every new message): rows is read, not a dependency.
  }, [activeId]);

  // Shortcuts that work anywhere in the app.
  const latest = useRef({ entries, favourites, activeId });
  latest.current = { entries, favourites, activeId };
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const arrow = event.key === 'ArrowUp' ? -1 : event.key === 'ArrowDown' ? 1 : 0;
      if (arrow !== 0 && event.altKey && !event.ctrlKey && !event.metaKey) {
        const now = latest.current;
        const next = neighbour(now.entries, now.favourites, now.activeId, arrow, event.shiftKey);
        event.preventDefault();
        if (next !== undefined) controller.open(next);
        return;
      }
      const slash = event.key === '/' && (event.ctrlKey || event.metaKey);
      const question = event.key === '?' && !event.ctrlKey && !event.metaKey && !editable(event.target);
      if (slash || question) {
        event.preventDefault();
        setHelp(true);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [controller]);

  const focusRow = (index: number) => {
    virtualizer.scrollToIndex(index, { align: 'auto' });
    const tryFocus = (attempt: number) => {
      const el = scroller.current?.querySelector<HTMLElement>(
        `[data-index="${index}"] .row-main, [data-index="${index}"] button.conversation`,
      );
      if (el !== null && el !== undefined) el.focus();
      else if (attempt < 5) requestAnimationFrame(() => tryFocus(attempt + 1));
    };
    tryFocus(0);
  };

  const moveFavourite = (id: string, delta: number) => {
    const from = favourites.indexOf(id);
    const to = from + delta;
    if (from === -1 || to < 0 || to >= favourites.length) return;
    moveTo(id, to);
    const title = conversations[id] === undefined ? '' : conversationTitle(conversations[id].conversation, users, me);
    setAnnounce(`${title} moved to position ${to + 1} of ${favourites.length} in favourites`);
    const rowIndex = rows.findIndex((r) => r.kind === 'conversation' && r.id === id) + delta;
    requestAnimationFrame(() => focusRow(rowIndex));
  };

  /** Moves a favourite to index `to` of the favourites, as the server's "before the next one". */
  const moveTo = (id: string, to: number) => {
    const order = reorder(favourites, id, to);
    void controller.placeFavourite(id, order[order.indexOf(id) + 1]);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.key !== 'ArrowDown' && event.key !== 'ArrowUp') || event.altKey) return;
    const li = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (li === null) return;
    const index = Number(li.dataset.index);
    const delta = event.key === 'ArrowDown' ? 1 : -1;
    event.preventDefault();
    const row = rows[index];
    if (event.ctrlKey && event.shiftKey) {
      if (row?.kind === 'conversation' && row.section === 'favourites') moveFavourite(row.id, delta);
      return;
    }
    if (index + delta >= 0 && index + delta < rows.length) focusRow(index + delta);
  };

  const onDrop = (event: DragEvent, target: string) => {
    const id = event.dataTransfer.getData(DRAG_TYPE);
    if (id === '' || id === target) return;
    event.preventDefault();
    moveTo(id, favourites.indexOf(target));
  };

  const toolbar = (
    <div className="list-toolbar">
      <button
        type="button"
        className={prefs.unreadOnly ? 'chip on' : 'chip'}
        aria-pressed={prefs.unreadOnly}
        onClick={() => updateSidebarPrefs(me, (p) => ({ ...p, unreadOnly: !p.unreadOnly }))}
      >
        <UnreadIcon /> Unread only
      </button>
      <DndChip />
      <button
        type="button"
        className="icon-button"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (Ctrl+/)"
        onClick={() => setHelp(true)}
      >
        <KeyboardIcon />
      </button>
      <span className="visually-hidden" role="status">
        {announce}
      </span>
      {help && createPortal(<ShortcutsDialog onClose={() => setHelp(false)} />, document.body)}
    </div>
  );

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
  let empty: string | undefined;
  if (rows.length === 0 && needle !== '') empty = `No conversation matches “${query.trim()}”.`;
  else if (rows.length === 0 && prefs.unreadOnly) empty = 'Nothing unread. You are all caught up.';

  return (
    <>
      {toolbar}
      {empty !== undefined ? (
        <p className="list-empty">{empty}</p>
      ) : (
        <div className="conversation-list" ref={scroller} onKeyDown={onKeyDown} data-testid="conversation-scroller">
          <ul className="conversation-rows" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              if (row === undefined) return null;
              const favourite = row.kind === 'conversation' && row.section === 'favourites';
              return (
                <li
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className={row.kind === 'header' ? 'section-row' : 'conversation-row'}
                  style={{ transform: `translateY(${item.start}px)` }}
                  draggable={favourite}
                  onDragStart={
                    favourite
                      ? (e) => e.dataTransfer.setData(DRAG_TYPE, row.kind === 'conversation' ? row.id : '')
                      : undefined
                  }
                  onDragOver={favourite ? (e) => e.preventDefault() : undefined}
                  onDrop={favourite && row.kind === 'conversation' ? (e) => onDrop(e, row.id) : undefined}
                >
                  {row.kind === 'header' ? (
                    <SectionHeader row={row} onToggle={(section) => toggleFolded(me, section)} />
                  ) : (
                    <>
                      <ConversationItem id={row.id} />
                      <FavouriteButton id={row.id} on={favourites.includes(row.id)} />
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </>
  );
}

function SectionHeader({
  row,
  onToggle,
}: {
  row: Extract<SidebarRow, { kind: 'header' }>;
  onToggle: (section: SectionId) => void;
}) {
  return (
    <button
      type="button"
      className="section-header row-main"
      aria-expanded={!row.folded}
      data-section={row.section}
      onClick={() => onToggle(row.section)}
    >
      <span className={row.folded ? 'chevron folded' : 'chevron'}>
        <ChevronDownIcon />
      </span>
      <span className="section-label">{row.label}</span>
      <span className="section-count">
        <span className="visually-hidden">, </span>
        {row.count}
      </span>
      {row.folded && row.unread && (
        <span className="dot-badge" data-testid="section-unread">
          <span className="visually-hidden">, unread</span>
        </span>
      )}
    </button>
  );
}

function FavouriteButton({ id, on }: { id: string; on: boolean }) {
  const controller = useController();
  const me = useAppState((s) => s.me.id);
  const title = useAppState((s) => {
    const c = s.conversations[id];
    return c === undefined ? '' : conversationTitle(c.conversation, s.users, me);
  });
  return (
    <button
      type="button"
      className={on ? 'favourite-button on' : 'favourite-button'}
      aria-label={`Favourite: ${title}`}
      aria-pressed={on}
      title={on ? 'Remove from favourites' : 'Add to favourites'}
      onClick={() => void (on ? controller.removeFavourite(id) : controller.placeFavourite(id))}
    >
      <StarIcon filled={on} />
    </button>
  );
}
