/**
 * Accounts: search, create, deactivate, reactivate, reset password, log out
 * everywhere, make or remove admin. Each action is one admin API call; the list is
 * read again after it.
 */
import { useId, useState, type FormEvent } from 'react';
import type { AdminUser } from '@parley/protocol';
import type { AdminTabProps } from './admin-console';
import { errorText, when } from './admin-format';
import { useAdminLoad } from './use-admin-load';

export function UsersTab({ api }: AdminTabProps) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [note, setNote] = useState<string | undefined>();
  const { data, error, reload } = useAdminLoad(
    () => api.adminListUsers({ limit: 50, ...(query.trim() === '' ? {} : { q: query.trim() }) }),
    [api, query],
  );
  const act = async (what: () => Promise<string>) => {
    try {
      setNote(await what());
    } catch (e) {
      setNote(errorText(e));
    }
    reload();
  };
  const resetPassword = (u: AdminUser) =>
    act(async () => {
      const password = window.prompt(`New password for ${u.user.username} (at least 8 characters)`);
      if (password === null || password === '') return 'Password unchanged.';
      const { revokedSessions } = await api.adminResetPassword(u.user.id, password);
      return `Password of ${u.user.username} changed; ${revokedSessions} device(s) logged out.`;
    });
  return (
    <div>
      <h3>Users</h3>
      <label htmlFor={`${id}-q`}>Search users</label>
      <input
        id={`${id}-q`}
        type="search"
        value={query}
        placeholder="Username or display name"
        onChange={(e) => setQuery(e.target.value)}
      />
      <CreateUser api={api} onDone={(text) => void act(() => Promise.resolve(text))} />
      <p role="status" className="admin-note">
        {note ?? error ?? ''}
      </p>
      <table className="admin-table">
        <caption className="visually-hidden">Users</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">State</th>
            <th scope="col">Last seen</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(data?.users ?? []).map((u) => {
            const name = u.user.username;
            const active = u.deactivatedAt === null;
            return (
              <tr key={u.user.id} data-username={name}>
                <td>
                  {u.user.displayName} <span className="admin-muted">@{name}</span>
                </td>
                <td>
                  {[active ? 'active' : 'deactivated', u.isAdmin ? 'admin' : '', u.twoFactorEnabled ? '2FA' : '']
                    .filter(Boolean)
                    .join(', ')}
                </td>
                <td>{when(u.lastSeenAt, 'never')}</td>
                <td className="admin-actions">
                  {active ? (
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      aria-label={`Deactivate ${name}`}
                      onClick={() =>
                        void act(async () => {
                          await api.adminDeactivate(u.user.id);
                          return `${name} is deactivated and logged out everywhere.`;
                        })
                      }
                    >
                      Deactivate
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={`Reactivate ${name}`}
                      onClick={() =>
                        void act(async () => {
                          await api.adminReactivate(u.user.id);
                          return `${name} may log in again.`;
                        })
                      }
                    >
                      Reactivate
                    </button>
                  )}
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Reset password of ${name}`}
                    onClick={() => void resetPassword(u)}
                  >
                    Reset password
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Log out everywhere: ${name}`}
                    onClick={() =>
                      void act(async () => {
                        const { revokedSessions } = await api.adminLogoutEverywhere(u.user.id);
                        return `${revokedSessions} device(s) of ${name} logged out.`;
                      })
                    }
                  >
                    Log out everywhere
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`${u.isAdmin ? 'Remove admin' : 'Make admin'}: ${name}`}
                    onClick={() =>
                      void act(async () => {
                        await api.adminSetAdmin(u.user.id, !u.isAdmin);
                        return u.isAdmin ? `${name} is no longer an admin.` : `${name} is now an admin.`;
                      })
                    }
                  >
                    {u.isAdmin ? 'Remove admin' : 'Make admin'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CreateUser({ api, onDone }: AdminTabProps & { onDone: (text: string) => void }) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const { user } = await api.adminCreateUser({ username: username.trim().toLowerCase(), password });
      setUsername('');
      setPassword('');
      setError(undefined);
      onDone(`Created ${user.user.username}.`);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <form className="admin-inline-form" onSubmit={(e) => void submit(e)} aria-label="Create a user">
      <label htmlFor={`${id}-u`}>New username</label>
      <input
        id={`${id}-u`}
        required
        minLength={2}
        maxLength={32}
        value={username}
        onChange={(e) => setUsername(e.target.value)}
      />
      <label htmlFor={`${id}-p`}>Password</label>
      <input
        id={`${id}-p`}
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" className="btn btn-small btn-primary">
        Create user
      </button>
      {error !== undefined && <span role="alert">{error}</span>}
    </form>
  );
}
