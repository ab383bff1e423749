/**
 * Push notifications: "Notifications on this device", Web Push for this browser
 * (pwa/push-device.ts), so that messages are announced while Parley is closed (offered
 * only where the browser can: a service worker, a push manager, notifications); the
 * quiet hours and the decision record with its test button apply to all of the user's
 * devices, so they are shown on every one.
 */
import { useEffect, useId, useState } from 'react';
import { disablePush, enablePush, pushEnabled, pushSupported } from '../pwa/push-device';
import { useController } from '../state/context';
import { PushDecisions } from './push-decisions';
import { QuietHoursSettings } from './quiet-hours-settings';

export function PushSettings() {
  const controller = useController();
  const id = useId();
  const [enabled, setEnabled] = useState<boolean | undefined>();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | undefined>();
  useEffect(() => {
    if (pushSupported()) void pushEnabled().then(setEnabled, () => setEnabled(false));
  }, []);

  const toggle = async (on: boolean) => {
    setBusy(true);
    setStatus(undefined);
    try {
      if (on) {
        const allowed = await enablePush(controller.client);
        setEnabled(allowed);
        setStatus(
          allowed
            ? 'This device will be notified of new messages.'
            : 'Notifications are blocked in your browser’s site settings.',
        );
      } else {
        await disablePush(controller.client);
        setEnabled(false);
        setStatus('This device will not be notified any more.');
      }
    } catch (error) {
      setStatus(`Could not change notifications: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        Push notifications
      </h3>
      {pushSupported() ? (
        <>
          <label className="check-row">
            <input
              type="checkbox"
              checked={enabled === true}
              disabled={busy || enabled === undefined}
              onChange={(e) => void toggle(e.target.checked)}
            />
            Notifications on this device
          </label>
          <p className="muted">
            Messages are announced even when Parley is closed; muted conversations stay silent, and so does a
            conversation while one of your devices shows it.
          </p>
        </>
      ) : (
        <p className="muted">This browser cannot receive push notifications; your other devices still can.</p>
      )}
      {status !== undefined && (
        <p className="muted" role="status">
          {status}
        </p>
      )}
      <QuietHoursSettings />
      <PushDecisions />
    </section>
  );
}
