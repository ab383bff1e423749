/** The run-time settings that are safe to change here (registration has its own tab). */
import { useState } from 'react';
import type { AdminTabProps } from './admin-console';
import { errorText } from './admin-format';
import { useAdminLoad } from './use-admin-load';

export function SettingsTab({ api }: AdminTabProps) {
  const [note, setNote] = useState<string | undefined>();
  const { data, error, reload } = useAdminLoad(() => api.adminSettings(), [api]);
  const require2fa = data?.settings.requireAdminTwoFactor;
  return (
    <div>
      <h3>Settings</h3>
      <label className="admin-radio">
        <input
          type="checkbox"
          checked={require2fa === true}
          disabled={require2fa === undefined}
          onChange={(e) => {
            api.adminUpdateSettings({ requireAdminTwoFactor: e.target.checked }).then(
              () => {
                setNote('Saved.');
                reload();
              },
              (err: unknown) => setNote(errorText(err)),
            );
          }}
        />
        Administrators must use two-factor authentication
      </label>
      <p role="status" className="admin-note">
        {note ?? error ?? ''}
      </p>
    </div>
  );
}
