/**
 * "Find someone": type a name or username and pick from the people the server's
 * directory finds as you type (ARIA combobox: arrows move, Enter picks, Escape closes
 * the list), a page at a time. Submitting without a pick looks the exact username up,
 * so a known username still works when the directory finds nobody by prefix
 * (PARLEY_USER_DIRECTORY=exact). Hands the chosen user to its parent.
 */
import type { User } from '@parley/protocol';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useController } from '../state/context';
import { Avatar } from './avatar';
import { UserText } from './user-text';

/** Wait this long after the last key before asking the server (it counts searches per account). */
const DEBOUNCE_MS = 200;

export function FindUser({ onFound, action }: { onFound: (user: User) => void; action: string }) {
  const controller = useController();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<User[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const asked = useRef(0);
  const id = useId();
  const me = controller.state.me.id;

  useEffect(() => {
    const q = query.trim().replace(/^@/, '');
    const ask = ++asked.current;
    if (q === '') {
      setResults([]);
      setCursor(null);
      setOpen(false);
      return;
    }
    const timer = setTimeout(() => {
      controller.searchPeople(q).then(
        (page) => {
          if (ask !== asked.current) return;
          setResults(page.users.filter((u) => u.id !== me));
          setCursor(page.nextCursor);
          setActive(-1);
          setOpen(true);
        },
        () => {
          if (ask === asked.current) setResults([]);
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [controller, query, me]);

  const more = async () => {
    if (cursor === null) return;
    const ask = asked.current;
    const page = await controller.searchPeople(query.trim().replace(/^@/, ''), cursor).catch(() => undefined);
    if (page === undefined || ask !== asked.current) return;
    setResults((list) => [...list, ...page.users.filter((u) => u.id !== me && !list.some((l) => l.id === u.id))]);
    setCursor(page.nextCursor);
  };

  const pick = (user: User) => {
    onFound(user);
    asked.current += 1;
    setQuery('');
    setResults([]);
    setOpen(false);
    setError(undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    event.stopPropagation();
    const chosen = open ? results[active] : undefined;
    if (chosen !== undefined) return pick(chosen);
    const name = query.trim();
    if (name === '') return;
    setBusy(true);
    setError(undefined);
    try {
      const user = await controller.findUser(name);
      if (user === undefined) setError(`Nobody is called “${name}” here.`);
      else if (user.id === me) setError('That is you.');
      else pick(user);
    } catch {
      setError('Could not search right now. Try again.');
    } finally {
      setBusy(false);
    }
  };

  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && results.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i + 1) % results.length);
    } else if (event.key === 'ArrowUp' && results.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i <= 0 ? results.length - 1 : i - 1));
    } else if (event.key === 'Escape' && open) {
      // Closes the list, not the dialog around it.
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      setActive(-1);
    }
  };

  const listId = `${id}-list`;
  const showList = open && query.trim() !== '';
  return (
    <form className="find-user" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>Name or username</label>
      <div className="find-user-row">
        <input
          id={id}
          name="find-username"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={showList}
          aria-controls={listId}
          aria-activedescendant={showList && active >= 0 ? `${id}-opt-${active}` : undefined}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          placeholder="e.g. alice or Alice Liddell"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setError(undefined);
          }}
          onKeyDown={onKey}
          aria-invalid={error !== undefined}
          aria-describedby={error === undefined ? undefined : `${id}-error`}
        />
        <button type="submit" className="btn btn-primary" disabled={busy || query.trim() === ''}>
          {action}
        </button>
      </div>
      <ul id={listId} role="listbox" aria-label="People found" className="people-results" hidden={!showList}>
        {results.map((user, index) => (
          <li
            key={user.id}
            id={`${id}-opt-${index}`}
            role="option"
            aria-selected={index === active}
            className={index === active ? 'people-result active' : 'people-result'}
            // Keep the focus in the input: a pointer pick must not blur it first.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(user)}
          >
            <Avatar id={user.id} name={user.displayName} url={user.avatarUrl} size="sm" />
            <span className="user-row-text">
              <UserText className="user-row-name" text={user.displayName} />
              <span className="user-row-sub">@{user.username}</span>
            </span>
          </li>
        ))}
        {results.length === 0 && (
          <li role="option" aria-selected={false} aria-disabled="true" className="people-result muted">
            Nobody found yet: keep typing, or enter an exact username.
          </li>
        )}
      </ul>
      {showList && cursor !== null && (
        <button type="button" className="btn btn-small" onClick={() => void more()}>
          More people
        </button>
      )}
      {error !== undefined && (
        <p id={`${id}-error`} className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
