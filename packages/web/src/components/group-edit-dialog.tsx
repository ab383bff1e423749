/**
 * A group's picture, name and description (owners and admins: `editSettings`). Only changed
 * fields are sent; each change appears in the conversation as a system line that every
 * member sees. Channels have their own, larger dialog (channel-settings-dialog.tsx).
 */
import type { UpdateConversationBody } from '@parley/protocol';
import { useId, useState } from 'react';
import { useAppState } from '../state/context';
import { ConversationPicture } from './conversation-picture';
import { FormError } from './form-error';
import { Modal } from './modal';
import { useSaveConversation } from './use-save-conversation';

export function GroupEditDialog({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const conv = useAppState((s) => s.conversations[conversationId]?.conversation);
  const [title, setTitle] = useState(conv?.title ?? '');
  const [description, setDescription] = useState(conv?.description ?? '');
  const [error, setError] = useState<string | undefined>();
  const { busy, send } = useSaveConversation(conversationId, onClose);
  const id = useId();
  if (conv === undefined) return null;

  const save = async () => {
    const patch: UpdateConversationBody = {};
    if (title.trim() === '') return setError('Give the group a name.');
    if (title.trim() !== conv.title) patch.title = title.trim();
    if (description.trim() !== (conv.description ?? ''))
      patch.description = description.trim() === '' ? null : description.trim();
    await send(patch);
  };

  return (
    <Modal title="Edit group" onClose={onClose}>
      <ConversationPicture conversationId={conversationId} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={`${id}-title`}>Group name</label>
        <input
          id={`${id}-title`}
          maxLength={200}
          value={title}
          onChange={(e) => {
            setTitle(e.target.value);
            setError(undefined);
          }}
        />
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <FormError error={error} />
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
