/**
 * Start a direct chat: find someone by username, or pick one of your contacts.
 * Starting a chat also adds the person to your contacts.
 */
import { useState } from 'react';
import { useAppState, useController } from '../state/context';
import { FindUser } from './find-user';
import { FormError } from './form-error';
import { Modal } from './modal';
import { UserRow } from './user-row';

export function NewChatDialog({ onClose }: { onClose: () => void }) {
  const controller = useController();
  const contacts = useAppState((s) => s.contacts);
  const [error, setError] = useState<string | undefined>();

  const start = async (userId: string) => {
    try {
      await controller.startDirect(userId);
      onClose();
    } catch {
      setError('Could not start the chat. Try again.');
    }
  };

  return (
    <Modal title="New chat" onClose={onClose}>
      <FindUser action="Chat" onFound={(user) => void start(user.id)} />
      <FormError error={error} />
      <h3 className="section-title">Contacts</h3>
      {contacts.length === 0 ? (
        <p className="muted">Your contacts appear here once you have chatted with someone.</p>
      ) : (
        <ul className="user-list">
          {contacts.map((id) => (
            <li key={id}>
              <UserRow id={id}>
                <button type="button" className="btn btn-small" onClick={() => void start(id)}>
                  Message
                </button>
              </UserRow>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
