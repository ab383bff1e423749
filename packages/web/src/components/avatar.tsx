/**
 * A round avatar: the user's https image or coloured initials, with an optional
 * presence dot. The dot's meaning is in the accessible name of the surrounding
 * element (e.g. "Bob, online"), so the dot itself is decorative.
 */
import type { PresenceStatus } from '@parley/protocol';
import { avatarImage, colorSlot, initials } from '../lib/avatar';

export function Avatar({
  id,
  name,
  url,
  size = 'md',
  status,
}: {
  id: string;
  name: string;
  url?: string | null | undefined;
  size?: 'sm' | 'md' | 'lg';
  status?: PresenceStatus | undefined;
}) {
  const image = avatarImage(url);
  return (
    <span className={`avatar avatar-${size} avatar-c${colorSlot(id)}`} aria-hidden="true">
      {image === undefined ? <span className="avatar-initials">{initials(name)}</span> : <img src={image} alt="" />}
      {status !== undefined && <span className={`presence-dot presence-${status}`} />}
    </span>
  );
}
