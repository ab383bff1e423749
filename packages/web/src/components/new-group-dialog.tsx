/**
 * Create a group: a name and members, picked from contacts or added by username.
 */
import { useId, useState } from 'react';
import { useAppState, useController } from '../state/context';
import { FindUser } from './find-user';
import { FormError } from './form-error';
import { Modal } from './modal';
import { UserRow } from './user-row';

export function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const controller = useController();
  const contacts = useAppState((s) => s.contacts);
  const [title, setTitle] = useState('');
  const [extra, setExtra] = useState<string[]>([]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();
  const people = [...new Set([...extra, ...contacts])];

  const toggle = (userId: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(userId);
    else next.delete(userId);
    setSelected(next);
  };

  const create = async () => {
    if (title.trim() === '') {
      setError('Give the group a name.');
      return;
    }
    setBusy(true);
    try {
      await controller.createGroup(title.trim(), [...selected]);
      onClose();
    } catch {
      setError('Could not create the group. Try again.');
      setBusy(false);
    }
  };

  return (
    <Modal title="New group" onClose={onClose}>
      <label htmlFor={`${id}-title`}>Group name</label>
      <input
        id={`${id}-title`}
        name="group-title"
        maxLength={100}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
      />
      <h3 className="section-title">Add people</h3>
      <FindUser
        action="Add"
        onFound={(user) => {
          setExtra((list) => (list.includes(user.id) ? list : [user.id, ...list]));
          toggle(user.id, true);
        }}
      />
      {people.length > 0 && (
        <ul className="user-list" aria-label="Members">
          {people.map((userId) => (
            <li key={userId}>
              <label className="user-pick">
                <input
                  type="checkbox"
                  checked={selected.has(userId)}
                  onChange={(e) => toggle(userId, e.target.checked)}
                />
                <UserRow id={userId} />
              </label>
            </li>
          ))}
        </ul>
      )}
      <FormError error={error} />
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void create()}>
          Create group{selected.size > 0 ? ` (${selected.size + 1})` : ''}
        </button>
      </div>
    </Modal>
  );
}
