/**
 * A short notice at the bottom of the screen (why the server refused an action,
 * "Message forwarded"), announced politely to screen readers.
 */
import { useAppState } from '../state/context';

export function Toast() {
  const toast = useAppState((s) => s.toast);
  return (
    <div className="toast-region" role="status" aria-live="polite">
      {toast !== null && (
        <div className="toast" key={toast.nonce} data-testid="toast">
          {toast.text}
        </div>
      )}
    </div>
  );
}
