/**
 * A small built-in emoji grid (no network): grouped buttons, each named for
 * screen readers. Escape or a click outside closes it; arrow keys move through
 * the grid.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { EMOJI_GROUPS } from '../lib/emoji';

const COLUMNS = 8;

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
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    root.current?.querySelector<HTMLButtonElement>('button')?.focus();
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
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [inline]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose(true);
      return;
    }
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    const move = moves[event.key];
    if (move === undefined) return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button.emoji')];
    const index = buttons.findIndex((b) => b === document.activeElement);
    const next = buttons[Math.min(buttons.length - 1, Math.max(0, index + move))];
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
      {EMOJI_GROUPS.map((group) => (
        <section key={group.name} aria-label={group.name}>
          <h2 className="emoji-group-title">{group.name}</h2>
          <div className="emoji-grid">
            {group.emoji.map(([char, label]) => (
              <button
                key={char}
                type="button"
                className="emoji"
                aria-label={label}
                title={label}
                onClick={() => onPick(char)}
              >
                {char}
              </button>
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
