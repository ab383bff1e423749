/** A person in a list: avatar with presence, name, @username, and a slot for an action. */
import type { ReactNode } from 'react';
import { presenceLabel } from '../lib/presence-label';
import { useAppState, useNow } from '../state/context';
import { Avatar } from './avatar';
import { UserText } from './user-text';

export function UserRow({ id, children }: { id: string; children?: ReactNode }) {
  const user = useAppState((s) => s.users[id]);
  const presence = useAppState((s) => s.presence[id]);
  // My nickname for a contact, when I gave one: their display name then goes under it.
  const nickname = useAppState((s) => s.contactNicknames[id]);
  const now = useNow();
  if (user === undefined) return null;
  return (
    <div className="user-row">
      <Avatar id={user.id} name={user.displayName} url={user.avatarUrl} status={presence?.status} />
      <span className="user-row-text">
        <UserText className="user-row-name" text={nickname ?? user.displayName} />
        <span className="user-row-sub">
          {nickname !== undefined && (
            <>
              <UserText text={user.displayName} />{' '}
            </>
          )}
          @{user.username}
          {presence !== undefined && ` · ${presenceLabel(presence, now)}`}
        </span>
      </span>
      {children}
    </div>
  );
}
