/**
 * "Find someone by username": a small form that looks a username up and hands
 * the user to its parent, or says nobody has that name.
 */
import type { User } from '@parley/protocol';
import { useId, useState, type FormEvent } from 'react';
import { useController } from '../state/context';

export function FindUser({ onFound, action }: { onFound: (user: User) => void; action: string }) {
  const controller = useController();
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    event.stopPropagation();
    const name = username.trim();
    if (name === '') return;
    setBusy(true);
    setError(undefined);
    try {
      const user = await controller.findUser(name);
      if (user === undefined) setError(`Nobody is called “${name}” here.`);
      else if (user.id === controller.state.me.id) setError('That is you.');
      else {
        onFound(user);
        setUsername('');
      }
    } catch {
      setError('Could not search right now. Try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="find-user" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>Username</label>
      <div className="find-user-row">
        <input
          id={id}
          name="find-username"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          placeholder="e.g. alice"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-invalid={error !== undefined}
          aria-describedby={error === undefined ? undefined : `${id}-error`}
        />
        <button type="submit" className="btn btn-primary" disabled={busy || username.trim() === ''}>
          {action}
        </button>
      </div>
      {error !== undefined && (
        <p id={`${id}-error`} className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
