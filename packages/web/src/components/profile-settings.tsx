/**
 * Settings: my profile (picture, cropped in the browser and uploaded; display name)
 * and my account (password; deleting the account, confirmed by the password). What
 * others see changes at once on their screens (the server tells them: `user.updated`).
 */
import { useId, useState, type FormEvent } from 'react';
import { useAppState, useController } from '../state/context';
import { AvatarEditor } from './avatar-editor';
import { FormError } from './form-error';
import { InlineTextForm } from './inline-text-form';
import { Modal } from './modal';

export function ProfileSettings() {
  const controller = useController();
  const me = useAppState((s) => s.me);
  const [name, setName] = useState(me.displayName);
  const [saved, setSaved] = useState<string | undefined>();
  const id = useId();

  const saveName = async (event: FormEvent) => {
    event.preventDefault();
    const displayName = name.trim();
    if (displayName === '' || displayName === me.displayName) return;
    setSaved((await controller.updateProfile({ displayName })) ? 'Name saved.' : undefined);
  };

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        Profile
      </h3>
      <AvatarEditor
        id={me.id}
        name={me.displayName}
        url={me.avatarUrl}
        onRemove={() => void controller.updateProfile({ avatarUrl: null })}
        onUpload={(image) => controller.uploadAvatar(image)}
      />
      <InlineTextForm
        label="Display name"
        name="display-name"
        maxLength={100}
        value={name}
        onChange={(value) => {
          setName(value);
          setSaved(undefined);
        }}
        button="Change name"
        status={saved}
        onSubmit={saveName}
      />
    </section>
  );
}

export function AccountSettings() {
  const controller = useController();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  const [deleting, setDeleting] = useState(false);
  const id = useId();

  const change = async (event: FormEvent) => {
    event.preventDefault();
    const refused = await controller.changePassword(current, next);
    setMessage(
      refused === undefined
        ? { text: 'Password changed. Your other devices were logged out.', error: false }
        : { text: refused, error: true },
    );
    if (refused === undefined) {
      setCurrent('');
      setNext('');
    }
  };

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        Account
      </h3>
      <form onSubmit={(e) => void change(e)}>
        <label htmlFor={`${id}-current`}>Current password</label>
        <input
          id={`${id}-current`}
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <label htmlFor={`${id}-new`}>New password</label>
        <input
          id={`${id}-new`}
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <div className="modal-actions">
          <button type="submit" className="btn" disabled={current === '' || next === ''}>
            Change password
          </button>
        </div>
        <p className={message?.error === true ? 'form-error' : 'hint'} role="status">
          {message?.text ?? ''}
        </p>
      </form>
      <ExportData />
      <div className="danger-zone">
        <button type="button" className="btn btn-danger" onClick={() => setDeleting(true)}>
          Delete my account
        </button>
      </div>
      {deleting && <DeleteAccountDialog onClose={() => setDeleting(false)} />}
    </section>
  );
}

/** Downloads everything of mine as a tar archive (profile, contacts, conversations, my messages and files). */
function ExportData() {
  const controller = useController();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const download = async () => {
    setBusy(true);
    setError(undefined);
    const result = await controller.exportData();
    setBusy(false);
    if (typeof result === 'string') return setError(result);
    const url = URL.createObjectURL(result);
    const link = document.createElement('a');
    link.href = url;
    link.download = 'parley-export.tar';
    link.click();
    // Later, not at once: the browser reads the URL after the click returns.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };

  return (
    <div className="export-data">
      <p className="hint">
        A copy of your profile, contacts, conversations and the messages and files you sent, as a tar archive.
      </p>
      <button type="button" className="btn" disabled={busy} onClick={() => void download()}>
        {busy ? 'Preparing…' : 'Download my data'}
      </button>
      <FormError error={error} />
    </div>
  );
}

function DeleteAccountDialog({ onClose }: { onClose: () => void }) {
  const controller = useController();
  const [password, setPassword] = useState('');
  const [withContent, setWithContent] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();

  const remove = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    // Success logs this device out: the app goes back to the sign-in screen by itself.
    const refused = await controller.deleteAccount(password, withContent);
    setBusy(false);
    if (refused !== undefined) setError(refused);
  };

  return (
    <Modal title="Delete your account?" onClose={onClose}>
      <form onSubmit={(e) => void remove(e)}>
        <p>
          This cannot be undone. You will be logged out everywhere, your name and picture will be replaced by “Deleted
          account”, and nobody will find you any more. Your username stays reserved.
        </p>
        <fieldset className="delete-account-mode">
          <legend>Your messages</legend>
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={!withContent}
              onChange={() => {
                setWithContent(false);
                setConfirmed(false);
              }}
            />{' '}
            Keep them in their conversations, shown as sent by “Deleted account”
          </label>
          <label>
            <input type="radio" name={`${id}-mode`} checked={withContent} onChange={() => setWithContent(true)} /> Erase
            everything I sent: messages, edits, reactions and files, for everyone
          </label>
        </fieldset>
        {withContent && (
          <label>
            <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> I understand
            that my messages and files disappear from every conversation and cannot be recovered
          </label>
        )}
        <label htmlFor={`${id}-password`}>Your password, to confirm</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setError(undefined);
          }}
        />
        <FormError error={error} />
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-danger"
            disabled={busy || password === '' || (withContent && !confirmed)}
          >
            {withContent ? 'Delete my account and everything I sent' : 'Delete my account'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
