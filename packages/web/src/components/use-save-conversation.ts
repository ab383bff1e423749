/**
 * Saving a group's or channel's settings dialog (group-edit-dialog.tsx,
 * channel-settings-dialog.tsx): the dialog sends only the fields that changed, so an
 * empty patch just closes it; otherwise Save stays disabled while the server decides,
 * the dialog closes when it took the change and stays open when it refused (the
 * controller shows why), to correct and try again.
 */
import type { UpdateConversationBody } from '@parley/protocol';
import { useState } from 'react';
import { useController } from '../state/context';

export function useSaveConversation(conversationId: string, onClose: () => void) {
  const controller = useController();
  const [busy, setBusy] = useState(false);
  const send = async (patch: UpdateConversationBody): Promise<void> => {
    if (Object.keys(patch).length === 0) return onClose();
    setBusy(true);
    if (await controller.updateConversation(conversationId, patch)) onClose();
    else setBusy(false);
  };
  return { busy, send };
}
