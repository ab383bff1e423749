/**
 * The banner shown while the connection is down: says that we are reconnecting
 * and that messages typed meanwhile will be sent. Announced to screen readers.
 */
import { useAppState } from '../state/context';

export function ConnectionBanner() {
  const connection = useAppState((s) => s.connection);
  const everConnected = useAppState((s) => s.everConnected);
  const pending = useAppState((s) => s.pending.filter((p) => p.failed === undefined).length);
  const down = connection === 'disconnected' || (connection === 'connecting' && everConnected);
  const first = connection === 'connecting' && !everConnected;
  return (
    <div className="banner-slot" role="status" aria-live="polite">
      {down && (
        <div className="banner banner-offline" data-testid="offline-banner">
          <span className="banner-dot" aria-hidden="true" />
          You are offline. Reconnecting…
          {pending > 0 && ` ${pending} message${pending === 1 ? '' : 's'} will be sent when the connection returns.`}
        </div>
      )}
      {first && <div className="banner banner-connecting">Connecting…</div>}
    </div>
  );
}
