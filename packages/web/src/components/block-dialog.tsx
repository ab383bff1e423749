/**
 * Asks before blocking someone, and says what a block does (docs/protocol.md,
 * "Blocking"), so that nobody blocks by mistake.
 */
import { useController } from '../state/context';
import { ConfirmDialog } from './confirm-dialog';

export function BlockDialog({ userId, name, onClose }: { userId: string; name: string; onClose: () => void }) {
  const controller = useController();
  return (
    <ConfirmDialog
      title={`Block ${name}?`}
      confirm="Block"
      danger
      onConfirm={() => {
        onClose();
        void controller.block(userId);
      }}
      onClose={onClose}
    >
      <p>
        {name} will not be able to message you, add you to groups or channels, see when you are online, or reach you
        with typing, reactions or mentions. You will not see their presence either. Their messages in groups you share
        are collapsed. They are not told.
      </p>
    </ConfirmDialog>
  );
}
