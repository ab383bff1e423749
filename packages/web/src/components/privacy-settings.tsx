/**
 * Settings: who sees my last seen and online status (everybody in my audience, my
 * contacts, nobody; reciprocal, as in Telegram), and the people I blocked, each with
 * "Unblock". Both stay in sync with my other devices through the SDK's events.
 */
import type { PresenceVisibility } from '@parley/protocol';
import { useEffect, useId } from 'react';
import { userName } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { Avatar } from './avatar';

const CHOICES: [PresenceVisibility, string, string][] = [
  ['everyone', 'Everybody', 'My contacts and the people of chats and groups where I have written'],
  ['contacts', 'My contacts', 'Only the people I added'],
  ['nobody', 'Nobody', 'No one sees when I am online'],
];

export function PrivacySettings() {
  const controller = useController();
  const privacy = useAppState((s) => s.privacy);
  const blocked = useAppState((s) => s.blocked);
  const users = useAppState((s) => s.users);
  const id = useId();
  useEffect(() => {
    void controller.loadPrivacy();
    controller.refreshBlocks();
  }, [controller]);

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        Privacy
      </h3>
      <fieldset className="notify-levels" data-testid="privacy-presence">
        <legend>Who can see my last seen and online status</legend>
        {CHOICES.map(([value, label, hint]) => (
          <label key={value} className="radio-row">
            <input
              type="radio"
              name={`${id}-presence`}
              value={value}
              checked={privacy?.presence === value}
              disabled={privacy === null}
              onChange={() => void controller.setPresenceVisibility(value)}
            />
            <span>
              {label}
              <span className="radio-hint">{hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="hint">
        If you do not share your last seen and online status with someone, you will not see theirs either.
      </p>
      <h4 className="section-subtitle">Blocked people</h4>
      {blocked.length === 0 ? (
        <p className="muted">You have not blocked anyone.</p>
      ) : (
        <ul className="panel-list" aria-label="Blocked people" data-testid="blocked-list">
          {blocked.map((userId) => (
            <li key={userId} className="member-row">
              <Avatar id={userId} name={userName(users, userId)} url={users[userId]?.avatarUrl} size="sm" />
              <span className="member-name">
                {userName(users, userId)}
                <span className="member-username">@{users[userId]?.username ?? ''}</span>
              </span>
              <button type="button" className="btn btn-small" onClick={() => void controller.unblock(userId)}>
                Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
