/**
 * Settings: my status (online, away, busy) and status text, my profile (picture,
 * name), desktop notifications, privacy (who sees my presence, whom I blocked), my
 * devices, my account (password, deletion), and logging out.
 */
import type { SettablePresence } from '@parley/protocol';
import { useId, useState, type FormEvent } from 'react';
import { notificationPermission, requestNotifications } from '../lib/notify';
import { useAppState, useController } from '../state/context';
import { AttentionSettings } from './attention-settings';
import { InlineTextForm } from './inline-text-form';
import { Modal } from './modal';
import { PrivacySettings } from './privacy-settings';
import { PushSettings } from './push-settings';
import { AccountSettings, ProfileSettings } from './profile-settings';
import { SessionsList } from './sessions-list';
import { UserText } from './user-text';

const STATUSES: { value: SettablePresence; label: string }[] = [
  { value: 'online', label: 'Online' },
  { value: 'away', label: 'Away' },
  { value: 'busy', label: 'Busy' },
];

export function SettingsDialog({ onClose, onLogout }: { onClose: () => void; onLogout: () => void }) {
  const controller = useController();
  const me = useAppState((s) => s.me);
  const myStatus = useAppState((s) => s.myStatus);
  const [statusText, setStatusText] = useState(me.statusText ?? '');
  const [saved, setSaved] = useState<string | undefined>();
  const [permission, setPermission] = useState(notificationPermission);
  const id = useId();

  const saveText = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await controller.setStatusText(statusText);
      setSaved('Status saved.');
    } catch {
      setSaved('Could not save the status. Try again.');
    }
  };

  return (
    <Modal title="Settings" onClose={onClose} wide>
      <section className="settings-section" aria-labelledby={`${id}-me`}>
        <h3 id={`${id}-me`} className="section-title">
          <UserText text={me.displayName} /> <span className="muted">@{me.username}</span>
        </h3>
        <fieldset className="status-choices">
          <legend>Status</legend>
          {STATUSES.map((s) => (
            <label key={s.value} className={`status-choice${myStatus === s.value ? ' checked' : ''}`}>
              <input
                type="radio"
                name="status"
                value={s.value}
                checked={myStatus === s.value}
                onChange={() => void controller.setStatus(s.value)}
              />
              <span className={`presence-dot static presence-${s.value}`} aria-hidden="true" />
              {s.label}
            </label>
          ))}
        </fieldset>
        <InlineTextForm
          label="Status message"
          name="status-text"
          maxLength={200}
          placeholder="What are you up to?"
          value={statusText}
          onChange={(value) => {
            setStatusText(value);
            setSaved(undefined);
          }}
          button="Save"
          status={saved}
          onSubmit={saveText}
        />
      </section>
      <ProfileSettings />
      <section className="settings-section" aria-labelledby={`${id}-notify`}>
        <h3 id={`${id}-notify`} className="section-title">
          Notifications
        </h3>
        {permission === 'granted' && (
          <p className="muted">
            Notifications are on: you will be notified of new messages while Parley is in the background.
          </p>
        )}
        {permission === 'denied' && <p className="muted">Notifications are blocked in your browser’s site settings.</p>}
        {permission === 'unsupported' && <p className="muted">This browser does not support notifications.</p>}
        {permission === 'default' && (
          <button type="button" className="btn" onClick={() => void requestNotifications().then(setPermission)}>
            Enable desktop notifications
          </button>
        )}
      </section>
      <PushSettings />
      <AttentionSettings />
      <PrivacySettings />
      <SessionsList />
      <AccountSettings />
      <div className="modal-actions">
        <button type="button" className="btn btn-danger" onClick={onLogout}>
          Log out
        </button>
      </div>
    </Modal>
  );
}
