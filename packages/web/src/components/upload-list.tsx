/**
 * Files this browser is uploading to the open conversation: name, a progress bar
 * and Cancel (which tells the server to drop what it received); a failure says
 * why and can be dismissed.
 */
import { formatFileSize } from '@parley/protocol';
import { useAppState, useController } from '../state/context';
import { CloseIcon } from './icons';
import { UserText } from './user-text';

export function UploadList({ id }: { id: string }) {
  const controller = useController();
  const all = useAppState((s) => s.uploads);
  const uploads = all.filter((u) => u.conversationId === id);
  if (uploads.length === 0) return null;
  return (
    <ul className="uploads" aria-label="Uploads">
      {uploads.map((u) => (
        <li key={u.id} className={u.failed === undefined ? 'upload' : 'upload failed'} data-testid="upload">
          <UserText className="upload-name" text={u.name} />
          {u.failed === undefined ? (
            <>
              <progress max={u.size} value={u.sent} aria-label={`Uploading ${u.name}`} />
              <span className="upload-size">
                {u.sending === true ? 'Sending…' : `${formatFileSize(u.sent)} of ${formatFileSize(u.size)}`}
              </span>
            </>
          ) : (
            <span className="upload-error" role="alert">
              Not sent: {u.failed}
            </span>
          )}
          <button
            type="button"
            className="icon-button"
            aria-label={u.failed === undefined ? `Cancel upload of ${u.name}` : `Dismiss ${u.name}`}
            onClick={() => controller.files.cancel(u.id)}
          >
            <CloseIcon />
          </button>
        </li>
      ))}
    </ul>
  );
}
