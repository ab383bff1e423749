/**
 * Quiet hours (docs/notifications.md): a daily window, in a time zone (this browser's by
 * default), during which the server sends no push to any of the user's devices. Read
 * from and saved to the server (`client.push.quietHours`).
 */
import type { QuietHours } from '@parley/protocol';
import { useEffect, useId, useState } from 'react';
import { errorText } from '../lib/error-text';
import { useController } from '../state/context';

function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The zones the browser knows, this browser's first; just that one where the list is not offered. */
function zones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [current, ...all.filter((z) => z !== current)];
}

export function QuietHoursSettings() {
  const controller = useController();
  const id = useId();
  const [loaded, setLoaded] = useState(false);
  const [on, setOn] = useState(false);
  const [draft, setDraft] = useState<QuietHours>({ start: '22:00', end: '07:00', timeZone: browserZone() });
  const [status, setStatus] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    controller.client.push.quietHours().then(
      (saved) => {
        if (!live) return;
        if (saved) setDraft(saved);
        setOn(saved !== null);
        setLoaded(true);
      },
      (error: unknown) => live && setStatus(`Could not read quiet hours: ${errorText(error)}`),
    );
    return () => {
      live = false;
    };
  }, [controller]);

  const save = async (enabled: boolean, value: QuietHours) => {
    setStatus(undefined);
    try {
      const saved = await controller.client.push.setQuietHours(enabled ? value : null);
      setOn(saved !== null);
      setStatus(saved ? `No pushes from ${saved.start} to ${saved.end} (${saved.timeZone}).` : 'Quiet hours are off.');
    } catch (error) {
      setStatus(`Could not save quiet hours: ${errorText(error)}`);
    }
  };

  return (
    <fieldset className="settings-fieldset" aria-labelledby={`${id}-legend`} disabled={!loaded}>
      <legend id={`${id}-legend`}>Quiet hours</legend>
      <label className="check-row">
        <input type="checkbox" checked={on} onChange={(e) => void save(e.target.checked, draft)} />
        No pushes every day between
      </label>
      <div className="quiet-hours-row">
        <label>
          From{' '}
          <input
            type="time"
            value={draft.start}
            required
            onChange={(e) => setDraft({ ...draft, start: e.target.value })}
          />
        </label>
        <label>
          to{' '}
          <input type="time" value={draft.end} required onChange={(e) => setDraft({ ...draft, end: e.target.value })} />
        </label>
        <label>
          Time zone{' '}
          <select value={draft.timeZone} onChange={(e) => setDraft({ ...draft, timeZone: e.target.value })}>
            {zones(draft.timeZone).map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-small" onClick={() => void save(true, draft)}>
          Save quiet hours
        </button>
      </div>
      {status !== undefined && (
        <p className="muted" role="status">
          {status}
        </p>
      )}
    </fieldset>
  );
}
