/**
 * Settings for sounds and do-not-disturb (lib/attention.ts): a switch for the new-message
 * sound, and do-not-disturb for an hour, eight hours or until tomorrow morning (silences
 * sounds and desktop notifications), with the time it ends and a way to end it now.
 * Do-not-disturb is also sent to the server, which then holds back pushes to every device
 * of the user (docs/notifications.md).
 */
import { useId } from 'react';
import { dndActive, setAttentionPrefs, tomorrowMorning, useAttentionPrefs } from '../lib/attention';
import { useAppState, useController, useNow } from '../state/context';
import { BellOffIcon } from './icons';

const HOUR = 3_600_000;

export function dndEndText(until: number, now: number): string {
  const sameDay = new Date(until).toDateString() === new Date(now).toDateString();
  const time = new Date(until).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return sameDay ? time : `${new Date(until).toLocaleDateString(undefined, { weekday: 'long' })} ${time}`;
}

export function AttentionSettings() {
  const me = useAppState((s) => s.me.id);
  const prefs = useAttentionPrefs(me);
  const now = useNow(30_000);
  const id = useId();
  const dnd = dndActive(prefs, now);
  const controller = useController();
  const setDnd = (at: number | null) => {
    setAttentionPrefs(me, { dndUntil: at });
    // Best effort: the local setting already silences this tab; pushes follow when the server hears of it.
    controller.client.push.setDoNotDisturb(at).catch(() => undefined);
  };
  const until = (at: number) => setDnd(at);
  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        Sounds and do not disturb
      </h3>
      <label className="check-row">
        <input
          type="checkbox"
          checked={prefs.sound}
          onChange={(e) => setAttentionPrefs(me, { sound: e.target.checked })}
        />
        Play a sound for new messages
      </label>
      <p className="muted" role="status">
        {dnd && prefs.dndUntil !== null
          ? `Do not disturb is on until ${dndEndText(prefs.dndUntil, now)}: no sounds, no desktop notifications.`
          : 'Do not disturb is off.'}
      </p>
      <div className="button-row" role="group" aria-label="Do not disturb">
        <button type="button" className="btn" onClick={() => until(Date.now() + HOUR)}>
          1 hour
        </button>
        <button type="button" className="btn" onClick={() => until(Date.now() + 8 * HOUR)}>
          8 hours
        </button>
        <button type="button" className="btn" onClick={() => until(tomorrowMorning(Date.now()))}>
          Until tomorrow
        </button>
        {dnd && (
          <button type="button" className="btn" onClick={() => setDnd(null)}>
            Turn off
          </button>
        )}
      </div>
    </section>
  );
}

/** Shown in the sidebar while do-not-disturb is on; a click ends it. */
export function DndChip() {
  const me = useAppState((s) => s.me.id);
  const prefs = useAttentionPrefs(me);
  const now = useNow(30_000);
  const controller = useController();
  if (!dndActive(prefs, now) || prefs.dndUntil === null) return null;
  return (
    <button
      type="button"
      className="chip on"
      data-testid="dnd-chip"
      title="Do not disturb: click to turn it off"
      onClick={() => {
        setAttentionPrefs(me, { dndUntil: null });
        controller.client.push.setDoNotDisturb(null).catch(() => undefined);
      }}
    >
      <BellOffIcon /> Until {dndEndText(prefs.dndUntil, now)}
      <span className="visually-hidden">: do not disturb is on, turn it off</span>
    </button>
  );
}
