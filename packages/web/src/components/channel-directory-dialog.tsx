/**
 * The directory of public channels: search by name or topic, page through, open
 * the ones I am in and join the others. Also takes an invite link or code.
 */
import type { ChannelListing } from '@parley/protocol';
import { useEffect, useId, useState } from 'react';
import { useController } from '../state/context';
import { Modal } from './modal';
import { UserText } from './user-text';

export function ChannelDirectoryDialog({
  onClose,
  onInvite,
}: {
  onClose: () => void;
  onInvite: (code: string) => void;
}) {
  const controller = useController();
  const [query, setQuery] = useState('');
  const [channels, setChannels] = useState<ChannelListing[] | undefined>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [invite, setInvite] = useState('');
  const id = useId();

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      void controller.directory(query.trim()).then((page) => {
        if (!live) return;
        setChannels(page.channels);
        setCursor(page.nextCursor);
      });
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [controller, query]);

  const more = async () => {
    if (cursor === null) return;
    const page = await controller.directory(query.trim(), cursor);
    setChannels((list) => [...(list ?? []), ...page.channels]);
    setCursor(page.nextCursor);
  };

  const open = async (channel: ChannelListing) => {
    if (channel.joined) {
      controller.open(channel.id);
      onClose();
    } else if (await controller.join(channel.id)) onClose();
  };

  const code = invite.trim().replace(/^.*#\/invite\//, '');

  return (
    <Modal title="Browse channels" onClose={onClose} wide>
      <label htmlFor={`${id}-q`}>Search channels</label>
      <input
        id={`${id}-q`}
        type="search"
        placeholder="Name or topic"
        autoComplete="off"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {channels === undefined ? (
        <p className="panel-note">Loading…</p>
      ) : channels.length === 0 ? (
        <p className="panel-note">No public channel matches.</p>
      ) : (
        <ul className="panel-list directory" aria-label="Public channels">
          {channels.map((ch) => (
            <li key={ch.id} className="directory-row" data-testid="directory-channel">
              <span className="directory-text">
                <span className="directory-title">
                  # <UserText text={ch.title ?? 'Channel'} />
                  {ch.postPolicy === 'admins' && <span className="role-badge">broadcast</span>}
                </span>
                {ch.topic !== null && <UserText className="directory-topic" text={ch.topic} />}
                <span className="directory-meta">
                  {ch.memberCount === 1 ? '1 member' : `${ch.memberCount} members`}
                </span>
              </span>
              <button
                type="button"
                className={ch.joined ? 'btn btn-small' : 'btn btn-small btn-primary'}
                aria-label={`${ch.joined ? 'Open' : 'Join'} ${ch.title ?? 'channel'}`}
                onClick={() => void open(ch)}
              >
                {ch.joined ? 'Open' : 'Join'}
              </button>
            </li>
          ))}
        </ul>
      )}
      {cursor !== null && (
        <button type="button" className="btn btn-block" onClick={() => void more()}>
          Show more
        </button>
      )}
      <form
        className="join-invite"
        onSubmit={(e) => {
          e.preventDefault();
          if (code !== '') onInvite(code);
        }}
      >
        <label htmlFor={`${id}-invite`}>Join with an invite</label>
        <div className="inline-form">
          <input
            id={`${id}-invite`}
            placeholder="Invite link or code"
            autoComplete="off"
            value={invite}
            onChange={(e) => setInvite(e.target.value)}
          />
          <button type="submit" className="btn" disabled={code === ''}>
            Continue
          </button>
        </div>
      </form>
    </Modal>
  );
}
