/**
 * An invite link was opened (`/#/invite/<code>`) or pasted: shows the channel it
 * leads to and joins on confirmation; an invalid, expired or used-up code says so.
 */
import type { ChannelListing } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { useController } from '../state/context';
import { Modal } from './modal';
import { UserText } from './user-text';

export function InviteDialog({ code, onClose }: { code: string; onClose: () => void }) {
  const controller = useController();
  const [channel, setChannel] = useState<ChannelListing | null | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    void controller.previewInvite(code).then((c) => {
      if (live) setChannel(c ?? null);
    });
    return () => {
      live = false;
    };
  }, [controller, code]);

  const accept = async () => {
    if (channel?.joined === true) {
      controller.open(channel.id);
      return onClose();
    }
    setBusy(true);
    if (await controller.acceptInvite(code)) onClose();
    else setBusy(false);
  };

  return (
    <Modal title="Invitation" onClose={onClose}>
      {channel === undefined && <p className="panel-note">Checking the invite…</p>}
      {channel === null && (
        <p className="form-error" role="alert">
          This invite link is invalid, expired or used up.
        </p>
      )}
      {channel !== undefined && channel !== null && (
        <div className="invite-preview">
          <p>You are invited to</p>
          <h3 className="invite-title">
            # <UserText text={channel.title ?? 'Channel'} />
          </h3>
          {channel.topic !== null && (
            <p>
              <UserText text={channel.topic} />
            </p>
          )}
          <p className="panel-note">{channel.memberCount === 1 ? '1 member' : `${channel.memberCount} members`}</p>
        </div>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        {channel !== undefined && channel !== null && (
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void accept()}>
            {channel.joined ? 'Open channel' : 'Join channel'}
          </button>
        )}
      </div>
    </Modal>
  );
}
