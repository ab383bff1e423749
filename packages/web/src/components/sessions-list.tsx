/**
 * My logged-in devices (this one marked), with "Log out" per device and "Log out
 * other devices" for all but this one.
 */
import type { Session } from '@parley/protocol';
import { useCallback, useEffect, useId, useState } from 'react';
import { lastSeen } from '../lib/format-time';
import { useController } from '../state/context';
import { FormError } from './form-error';
import { UserText } from './user-text';

export function SessionsList() {
  const controller = useController();
  const [sessions, setSessions] = useState<Session[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const id = useId();

  const load = useCallback(() => {
    controller.client.sessions.list().then(setSessions, () => setError('Could not load your devices.'));
  }, [controller]);
  useEffect(load, [load]);

  const revoke = async (ids: string[]) => {
    try {
      await Promise.all(ids.map((sessionId) => controller.client.sessions.revoke(sessionId)));
    } catch {
      setError('Could not log that device out. Try again.');
    }
    load();
  };

  const others = (sessions ?? []).filter((s) => !s.current);
  const now = Date.now();
  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        Devices
      </h3>
      {sessions === undefined && error === undefined && <p className="muted">Loading…</p>}
      {sessions !== undefined && (
        <ul className="session-list" data-testid="sessions">
          {[...sessions]
            .sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt - a.lastSeenAt)
            .map((s) => (
              <li key={s.id} className="session">
                <span className="session-text">
                  <span className="session-name">
                    <UserText text={s.deviceName} />
                    {s.current && <span className="tag">This device</span>}
                  </span>
                  <span className="session-sub">
                    Signed in {new Date(s.createdAt).toLocaleDateString()} ·{' '}
                    {s.current ? 'active now' : lastSeen(s.lastSeenAt, now).replace('last seen', 'active')}
                  </span>
                </span>
                {!s.current && (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => void revoke([s.id])}
                    aria-label={`Log out ${s.deviceName}`}
                  >
                    Log out
                  </button>
                )}
              </li>
            ))}
        </ul>
      )}
      {others.length > 0 && (
        <button type="button" className="btn" onClick={() => void revoke(others.map((s) => s.id))}>
          Log out other devices ({others.length})
        </button>
      )}
      <FormError error={error} />
    </section>
  );
}
