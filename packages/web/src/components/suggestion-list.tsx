/**
 * The composer's suggestions while typing `@name` or `:code`: a listbox under the
 * caret's line; the composer keeps the focus and moves the active option with the
 * arrow keys (aria-activedescendant), and the active option is scrolled into view. A
 * click picks without taking the focus.
 */
import { useEffect, useRef } from 'react';
import { UserText } from './user-text';

export interface Suggestion {
  key: string;
  /** What goes into the text. */
  insert: string;
  label: string;
  detail?: string;
}

export function SuggestionList({
  id,
  items,
  active,
  onPick,
}: {
  id: string;
  items: readonly Suggestion[];
  active: number;
  onPick: (item: Suggestion) => void;
}) {
  const list = useRef<HTMLUListElement>(null);
  // The list scrolls when long (the built-in and bot commands): the active option stays in view.
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active, items]);
  return (
    <ul ref={list} id={id} className="suggestions" role="listbox" aria-label="Suggestions">
      {items.map((item, i) => (
        <li
          key={item.key}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'suggestion active' : 'suggestion'}
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(item);
          }}
        >
          <UserText className="suggestion-label" text={item.label} />
          {item.detail !== undefined && <span className="suggestion-detail">{item.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
