/**
 * Report a message to the conversation's moderators, with a reason.
 */
import type { Message } from '@parley/protocol';
import { useId, useState } from 'react';
import { useController } from '../state/context';
import { Modal } from './modal';

export function ReportDialog({ message, onClose }: { message: Message; onClose: () => void }) {
  const controller = useController();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const submit = async () => {
    setBusy(true);
    if (await controller.report(message.conversationId, message.id, reason.trim())) onClose();
    else setBusy(false);
  };
  return (
    <Modal title="Report message" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (reason.trim() !== '') void submit();
        }}
      >
        <label htmlFor={id}>Why should the moderators look at it?</label>
        <textarea id={id} rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={busy || reason.trim() === ''}>
            Report
          </button>
        </div>
      </form>
    </Modal>
  );
}
