/**
 * The emoji picker: a search box, a skin-tone choice, tabs for the categories, the
 * recently used emoji first, then the full set by category (lib/emoji-data.ts, loaded
 * lazily as a chunk of its own; the small built-in set shows until it arrives). Every
 * emoji is a button named for screen readers. Escape or a click outside closes it; arrow
 * keys move through the grid; the skin tone and recent emoji are remembered on this device.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { EMOJI_GROUPS } from '../lib/emoji';
import {
  emojiIndexNow,
  loadEmojiIndex,
  noteRecentEmoji,
  recentEmoji,
  savedSkinTone,
  saveSkinTone,
  searchEmoji,
  withSkin,
  type EmojiIndex,
} from '../lib/emoji-data';

const COLUMNS = 8;
const TONES = ['Default', 'Light', 'Medium-light', 'Medium', 'Medium-dark', 'Dark'];

interface Cell {
  char: string;
  label: string;
}
interface Group {
  id: string;
  label: string;
  cells: Cell[];
}

function groupsFor(index: EmojiIndex | undefined, tone: number, query: string, recent: string[]): Group[] {
  if (index === undefined) {
    return EMOJI_GROUPS.map((g) => ({
      id: g.name,
      label: g.name,
      cells: g.emoji.map(([char, label]) => ({ char, label })),
    }));
  }
  const cell = (entry: Parameters<typeof withSkin>[0]): Cell => ({ char: withSkin(entry, tone), label: entry.name });
  if (query.trim() !== '')
    return [{ id: 'search', label: 'Search results', cells: searchEmoji(index, query).map(cell) }];
  const recentCells = recent.map((char) => ({ char, label: index.byNative.get(char)?.name ?? char }));
  return [
    ...(recentCells.length > 0 ? [{ id: 'recent', label: 'Recently used', cells: recentCells }] : []),
    ...index.categories.map((c) => ({ id: c.id, label: c.label, cells: c.emoji.map(cell) })),
  ];
}

export function EmojiPicker({
  onPick,
  onClose,
  inline = false,
}: {
  onPick: (emoji: string) => void;
  onClose: (refocus: boolean) => void;
  /** Shown in the flow of a dialog rather than as a popup (no closing on outside clicks). */
  inline?: boolean;
}) {
  const root = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  const [index, setIndex] = useState(emojiIndexNow);
  const [query, setQuery] = useState('');
  const [tone, setTone] = useState(savedSkinTone);
  const [recent] = useState(recentEmoji);

  useEffect(() => {
    let live = true;
    if (index === undefined)
      loadEmojiIndex().then(
        (loaded) => live && setIndex(loaded),
        () => undefined, // Offline or refused: the built-in set stays.
      );
    return () => {
      live = false;
    };
  }, [index]);

  useEffect(() => {
    root.current?.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
    if (inline) return;
    const onDown = (event: MouseEvent) => {
      const target = event.target as Node;
      if (
        root.current !== null &&
        !root.current.contains(target) &&
        !(target instanceof Element && target.closest('.composer-emoji'))
      ) {
        close.current(false);
      }
    };
    // Escape closes the popup even when a pick sent the focus back to the composer.
    const onEscape = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape' && !(event.target instanceof Node && root.current?.contains(event.target)))
        close.current(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onEscape);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onEscape);
    };
  }, [inline]);

  const groups = useMemo(() => groupsFor(index, tone, query, recent), [index, tone, query, recent]);

  const pick = (char: string) => {
    noteRecentEmoji(char);
    onPick(char);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose(true);
      return;
    }
    const inSearch = event.target instanceof HTMLInputElement;
    if (inSearch && event.key === 'ArrowDown') {
      event.preventDefault();
      scroller.current?.querySelector<HTMLButtonElement>('button.emoji')?.focus();
      return;
    }
    if (inSearch && event.key === 'Enter') {
      const first = groups[0]?.cells[0];
      event.preventDefault();
      if (first !== undefined && query.trim() !== '') pick(first.char);
      return;
    }
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    const move = moves[event.key];
    if (move === undefined || !(event.target instanceof HTMLButtonElement) || !event.target.matches('.emoji')) return;
    const buttons = [...(scroller.current?.querySelectorAll<HTMLButtonElement>('button.emoji') ?? [])];
    const at = buttons.findIndex((b) => b === document.activeElement);
    const next = buttons[Math.min(buttons.length - 1, Math.max(0, at + move))];
    event.preventDefault();
    next?.focus();
  };

  return (
    <div
      className={inline ? 'emoji-picker inline' : 'emoji-picker'}
      role={inline ? 'group' : 'dialog'}
      aria-label="Emoji"
      ref={root}
      onKeyDown={onKeyDown}
    >
      <div className="emoji-picker-top">
        <input
          type="search"
          aria-label="Search emoji"
          placeholder="Search emoji"
          autoComplete="off"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <select
          aria-label="Skin tone"
          value={tone}
          onChange={(e) => {
            const next = Number(e.target.value);
            setTone(next);
            saveSkinTone(next);
          }}
        >
          {TONES.map((label, i) => (
            <option key={label} value={i}>
              {['✋', '✋🏻', '✋🏼', '✋🏽', '✋🏾', '✋🏿'][i]} {label}
            </option>
          ))}
        </select>
      </div>
      {query.trim() === '' && index !== undefined && (
        <div className="emoji-tabs" role="group" aria-label="Categories">
          {groups.map((g) => (
            <button
              key={g.id}
              type="button"
              className="emoji-tab"
              title={g.label}
              aria-label={g.label}
              onClick={() =>
                scroller.current?.querySelector(`[data-group="${g.id}"]`)?.scrollIntoView({ block: 'start' })
              }
            >
              {g.cells[0]?.char}
            </button>
          ))}
        </div>
      )}
      <div className="emoji-scroll" ref={scroller}>
        {index === undefined && <p className="emoji-loading">Loading all emoji…</p>}
        {groups.map((group) => (
          <section key={group.id} aria-label={group.label} data-group={group.id}>
            <h2 className="emoji-group-title">{group.label}</h2>
            {group.cells.length === 0 ? (
              <p className="emoji-loading">No emoji match “{query.trim()}”.</p>
            ) : (
              <div className="emoji-grid">
                {group.cells.map((c) => (
                  <button
                    key={c.char}
                    type="button"
                    className="emoji"
                    aria-label={c.label}
                    title={c.label}
                    onClick={() => pick(c.char)}
                  >
                    {c.char}
                  </button>
                ))}
              </div>
            )}
          </section>
        ))}
      </div>
    </div>
  );
}
