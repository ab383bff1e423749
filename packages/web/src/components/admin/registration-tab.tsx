/**
 * The registration policy (open, by invite, closed) and the server invites: make one
 * (its code is shown this once), see their uses, revoke.
 */
import { useId, useState, type FormEvent } from 'react';
import type { RegistrationPolicy } from '@parley/protocol';
import type { AdminTabProps } from './admin-console';
import { errorText, when } from './admin-format';
import { useAdminLoad } from './use-admin-load';

const POLICIES: [RegistrationPolicy, string][] = [
  ['open', 'Open: anyone may create an account'],
  ['invite', 'By invite: a sign-up needs an invite code'],
  ['closed', 'Closed: administrators create accounts'],
];

export function RegistrationTab({ api }: AdminTabProps) {
  const id = useId();
  const [note, setNote] = useState<string | undefined>();
  const [code, setCode] = useState<string | undefined>();
  const [uses, setUses] = useState('1');
  const [days, setDays] = useState('7');
  const settings = useAdminLoad(() => api.adminSettings(), [api]);
  const invites = useAdminLoad(() => api.adminInvites(), [api]);
  const setPolicy = (registration: RegistrationPolicy) => {
    api.adminUpdateSettings({ registration }).then(
      () => {
        setNote(`Registration is now ${registration}.`);
        settings.reload();
      },
      (e: unknown) => setNote(errorText(e)),
    );
  };
  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const maxUses = uses.trim() === '' ? null : Number(uses);
      const expiresInSeconds = days.trim() === '' ? undefined : Math.round(Number(days) * 86_400);
      const made = await api.adminCreateInvite({
        maxUses,
        ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
      });
      setCode(made.code);
      setNote('Invite created: copy its code now, it is not shown again.');
      invites.reload();
    } catch (e) {
      setNote(errorText(e));
    }
  };
  const current = settings.data?.settings.registration;
  return (
    <div>
      <h3>Registration</h3>
      <fieldset className="admin-fieldset">
        <legend>Who may sign up</legend>
        {POLICIES.map(([value, label]) => (
          <label key={value} className="admin-radio">
            <input
              type="radio"
              name={`${id}-policy`}
              value={value}
              checked={current === value}
              onChange={() => setPolicy(value)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <p role="status" className="admin-note">
        {note ?? settings.error ?? ''}
      </p>
      <h3>Server invites</h3>
      <form className="admin-inline-form" onSubmit={(e) => void create(e)} aria-label="Create an invite">
        <label htmlFor={`${id}-uses`}>Sign-ups allowed (empty: any number)</label>
        <input id={`${id}-uses`} inputMode="numeric" value={uses} onChange={(e) => setUses(e.target.value)} />
        <label htmlFor={`${id}-days`}>Expires after days (empty: never)</label>
        <input id={`${id}-days`} inputMode="decimal" value={days} onChange={(e) => setDays(e.target.value)} />
        <button type="submit" className="btn btn-small btn-primary">
          Create invite
        </button>
      </form>
      {code !== undefined && (
        <p>
          Invite code: <code data-testid="admin-invite-code">{code}</code>
        </p>
      )}
      <table className="admin-table">
        <caption className="visually-hidden">Server invites</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Uses</th>
            <th scope="col">Expires</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {(invites.data?.invites ?? []).map((invite) => (
            <tr key={invite.id}>
              <td>{when(invite.createdAt)}</td>
              <td>{invite.maxUses === null ? invite.uses : `${invite.uses} of ${invite.maxUses}`}</td>
              <td>{when(invite.expiresAt, 'never')}</td>
              <td>
                {invite.revokedAt !== null ? (
                  'revoked'
                ) : (
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    onClick={() => {
                      api.adminRevokeInvite(invite.id).then(
                        () => invites.reload(),
                        (e: unknown) => setNote(errorText(e)),
                      );
                    }}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
