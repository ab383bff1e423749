/**
 * The files waiting in a composer before they are sent: a thumbnail for images and
 * videos (made in the browser from the file itself, nothing is uploaded yet), an
 * icon, the name and the size for anything else, and a button to remove each. Why a
 * file was refused (too big, too many) is said here, before any upload. The
 * composer's text becomes the caption of the first file.
 */
import { formatFileSize } from '@parley/protocol';
import { useEffect, useState } from 'react';
import type { StagedFile } from '../state/app-state';
import { useAppState, useController } from '../state/context';
import { trayKey } from '../state/app-state';
import { CloseIcon, FileIcon } from './icons';
import { LineText, UserText } from './user-text';

/** A local URL for the file while it is shown (revoked when it is not). */
function useObjectUrl(file: File, wanted: boolean): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!wanted) return;
    const made = URL.createObjectURL(file);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [file, wanted]);
  return url;
}

function TrayItem({ item, onRemove }: { item: StagedFile; onRemove: () => void }) {
  const { file } = item;
  const kind = file.type.startsWith('image/') ? 'image' : file.type.startsWith('video/') ? 'video' : 'file';
  const url = useObjectUrl(file, kind !== 'file');
  return (
    <li className="tray-item" data-testid="tray-item" data-kind={kind}>
      <div className="tray-preview">
        {kind === 'image' && url !== undefined && <img src={url} alt="" data-testid="tray-thumbnail" />}
        {kind === 'video' && url !== undefined && (
          <video src={url} muted preload="metadata" aria-hidden="true" tabIndex={-1} data-testid="tray-thumbnail" />
        )}
        {kind === 'file' && <FileIcon />}
      </div>
      <div className="tray-text">
        <UserText className="tray-name" text={file.name} />
        <span className="tray-size">{formatFileSize(file.size)}</span>
      </div>
      <button type="button" className="icon-button tray-remove" aria-label={`Remove ${file.name}`} onClick={onRemove}>
        <CloseIcon />
      </button>
    </li>
  );
}

export function AttachmentTray({ conversationId, threadId }: { conversationId: string; threadId?: string }) {
  const controller = useController();
  const tray = useAppState((s) => s.staged[trayKey(conversationId, threadId)]);
  if (tray === undefined) return null;
  const { files, errors } = tray;
  return (
    <div className="tray" data-testid="attachment-tray">
      {files.length > 0 && (
        <>
          <p className="tray-heading">
            {files.length === 1 ? '1 file to send' : `${files.length} files to send`}
            <span className="tray-hint"> · the message becomes the caption</span>
          </p>
          <ul className="tray-list" aria-label="Files to send">
            {files.map((item) => (
              <TrayItem
                key={item.id}
                item={item}
                onRemove={() => controller.trays.remove(conversationId, threadId, item.id)}
              />
            ))}
          </ul>
        </>
      )}
      {errors.length > 0 && (
        <div className="tray-errors" role="alert" data-testid="tray-errors">
          <ul>
            {errors.map((error, i) => (
              <li key={i}>
                <LineText line={error} />
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="link-button"
            onClick={() => controller.trays.dismissErrors(conversationId, threadId)}
          >
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
