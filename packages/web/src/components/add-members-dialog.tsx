/**
 * Adding people to a group or channel (owners and admins: `addMembers`): find them as
 * you type, check who to add, and add them at once (one system line for everyone).
 */
import { useState } from 'react';
import { useAppState, useController } from '../state/context';
import { Modal } from './modal';
import { PeoplePicker, usePeoplePicker } from './people-picker';

export function AddMembersDialog({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const controller = useController();
  const members = useAppState((s) => s.conversations[conversationId]?.conversation.members);
  const picker = usePeoplePicker();
  const [busy, setBusy] = useState(false);

  const add = async () => {
    if (picker.selected.size === 0) return onClose();
    setBusy(true);
    if (await controller.addMembers(conversationId, [...picker.selected])) onClose();
    else setBusy(false);
  };

  return (
    <Modal title="Add people" onClose={onClose}>
      <PeoplePicker picker={picker} exclude={(members ?? []).map((m) => m.userId)} />
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy || picker.selected.size === 0}
          onClick={() => void add()}
        >
          Add{picker.selected.size > 0 ? ` ${picker.selected.size}` : ''}
        </button>
      </div>
    </Modal>
  );
}
