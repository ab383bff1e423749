/**
 * A person's profile card, opened by clicking their name or avatar anywhere (message
 * rows, member lists): picture, name, @username, status text and last seen as their
 * privacy allows (the server leaves out what I may not see), "Message" (opens or
 * creates our direct chat), "Block"/"Unblock", and the groups and channels we share.
 * ProfileCardProvider holds which card is open; useOpenProfile() opens one.
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { conversationTitle, userName } from '../lib/names';
import { presenceLabel } from '../lib/presence-label';
import { useAppState, useController, useNow } from '../state/context';
import { Avatar } from './avatar';
import { BlockDialog } from './block-dialog';
import { Modal } from './modal';
import { UserText } from './user-text';

const OpenProfile = createContext<(userId: string) => void>(() => undefined);

/** Opens the profile card of a user (a no-op outside ProfileCardProvider). */
export function useOpenProfile(): (userId: string) => void {
  return useContext(OpenProfile);
}

export function ProfileCardProvider({ children }: { children: ReactNode }) {
  const [userId, setUserId] = useState<string | null>(null);
  const open = useCallback((id: string) => setUserId(id), []);
  return (
    <OpenProfile.Provider value={open}>
      {children}
      {userId !== null && <ProfileCard userId={userId} onClose={() => setUserId(null)} />}
    </OpenProfile.Provider>
  );
}

/** Name, @username, status text and presence of a person: the card's head, and a direct chat's details. */
export function PersonSummary({ userId }: { userId: string }) {
  const user = useAppState((s) => s.users[userId]);
  const presence = useAppState((s) => s.presence[userId]);
  const now = useNow();
  if (user === undefined) return null;
  const seen = presenceLabel(presence, now);
  return (
    <div className="person-summary" data-testid="person-summary">
      <Avatar id={user.id} name={user.displayName} url={user.avatarUrl} size="lg" status={presence?.status} />
      <div className="person-summary-text">
        <p className="person-name">
          <UserText text={user.displayName} />
        </p>
        <p className="muted">@{user.username}</p>
        {user.statusText !== null && (
          <p className="person-status" data-testid="person-status">
            <UserText text={user.statusText} />
          </p>
        )}
        {seen !== '' && <p className="muted">{seen}</p>}
      </div>
    </div>
  );
}

function ProfileCard({ userId, onClose }: { userId: string; onClose: () => void }) {
  const controller = useController();
  const me = useAppState((s) => s.me.id);
  const name = useAppState((s) => userName(s.users, userId));
  const blocked = useAppState((s) => s.blocked.includes(userId));
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  const [blocking, setBlocking] = useState(false);
  useEffect(() => {
    void controller.loadProfile(userId);
  }, [controller, userId]);

  const shared = Object.values(conversations)
    .map((c) => c.conversation)
    .filter((c) => c.kind !== 'direct' && c.members.some((m) => m.userId === userId))
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt);

  const message = async () => {
    try {
      await controller.startDirect(userId);
      onClose();
    } catch {
      controller.notify('Could not start the chat. Try again.');
    }
  };

  return (
    <Modal title={<UserText text={name} />} onClose={onClose}>
      <div className="profile-card" data-testid="profile-card">
        <PersonSummary userId={userId} />
        {userId !== me && (
          <div className="panel-actions">
            <button type="button" className="btn btn-primary" onClick={() => void message()}>
              Message
            </button>
            {blocked ? (
              <button type="button" className="btn" onClick={() => void controller.unblock(userId)}>
                Unblock
              </button>
            ) : (
              <button type="button" className="btn btn-danger" onClick={() => setBlocking(true)}>
                Block
              </button>
            )}
          </div>
        )}
        {userId !== me && (
          <>
            <h3 className="section-title">Groups in common</h3>
            {shared.length === 0 ? (
              <p className="muted">None that you can see.</p>
            ) : (
              <ul className="panel-list" aria-label="Groups in common">
                {shared.map((c) => (
                  <li key={c.id}>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => {
                        controller.open(c.id);
                        onClose();
                      }}
                    >
                      <UserText text={conversationTitle(c, users, me)} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
      {blocking && <BlockDialog userId={userId} name={name} onClose={() => setBlocking(false)} />}
    </Modal>
  );
}

/** A person's name as a button that opens their profile card. */
export function PersonButton({
  userId,
  children,
  className,
}: {
  userId: string;
  children: ReactNode;
  className?: string;
}) {
  const open = useOpenProfile();
  return (
    <button
      type="button"
      className={`person-button${className === undefined ? '' : ` ${className}`}`}
      onClick={(event) => {
        event.stopPropagation();
        open(userId);
      }}
    >
      {children}
    </button>
  );
}

/**
 * A person's avatar as a button that opens their profile card, for the pointer only:
 * hidden from assistive technology and out of the tab order, since the name heading
 * the same messages (PersonButton) is the accessible way to the same card.
 */
export function PersonAvatarButton({ userId, children }: { userId: string; children: ReactNode }) {
  const open = useOpenProfile();
  return (
    <button
      type="button"
      className="person-button person-avatar-button"
      tabIndex={-1}
      aria-hidden="true"
      onClick={(event) => {
        event.stopPropagation();
        open(userId);
      }}
    >
      {children}
    </button>
  );
}
