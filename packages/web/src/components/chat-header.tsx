/**
 * The open conversation's header: a back button (phone width), avatar, title and
 * the subtitle: presence and status text for a direct chat, member count and how
 * many are online for a group, the member count and topic for a channel. Buttons
 * search the conversation and open the pinned messages and the details pane; in a
 * direct chat, two more start a voice or a video call; in a group or channel, one
 * joins (or starts) its group call, disabled with the reason when the server cannot
 * hold one, and a line says who is in a call in progress.
 */
import { useEffect, useState } from 'react';
import { conversationTitle, peerId, userName, type Line } from '../lib/names';
import { presenceLabel } from '../lib/presence-label';
import { useAppState, useController, useNow } from '../state/context';
import { unavailableText } from '../state/group-calls';
import { useSelector } from '../state/store';
import { Avatar } from './avatar';
import { PersonButton } from './profile-card';
import { BackIcon, BellOffIcon, InfoIcon, LockIcon, PhoneIcon, PinIcon, SearchIcon, VideoIcon } from './icons';
import { SearchDialog } from './search-dialog';
import { LineText, UserText } from './user-text';

export function ChatHeader({ id }: { id: string }) {
  const controller = useController();
  const conversation = useAppState((s) => s.conversations[id]?.conversation);
  const notifyLevel = useAppState((s) => s.conversations[id]?.notifyLevel);
  const panel = useAppState((s) => s.panel?.kind);
  const reports = useAppState((s) => s.openReports[id] ?? 0);
  const users = useAppState((s) => s.users);
  const presence = useAppState((s) => s.presence);
  const me = useAppState((s) => s.me.id);
  const now = useNow();
  const [search, setSearch] = useState(false);
  const groupCall = useSelector(controller.groupCalls.store, (s) => s.byConversation[id]);
  const inCall = useSelector(controller.groupCalls.store, (s) => s.view !== null || s.joining);
  const kind = conversation?.kind;
  useEffect(() => {
    if (kind !== undefined && kind !== 'direct') void controller.groupCalls.refresh(id);
  }, [controller, id, kind]);
  if (conversation === undefined) return null;
  const inProgress = groupCall?.participants ?? [];
  const unavailable = groupCall !== undefined && !groupCall.available;

  const title = conversationTitle(conversation, users, me);
  const peer = peerId(conversation, me);
  let subtitle: Line;
  let status;
  if (peer !== undefined) {
    status = presence[peer]?.status;
    const words = presenceLabel(presence[peer], now);
    const text = users[peer]?.statusText;
    subtitle = text === undefined || text === null || text === '' ? [words] : [words, ' · ', { user: text }];
    if (words === '') subtitle = subtitle.slice(2);
  } else if (conversation.kind === 'channel') {
    const count = conversation.memberCount === 1 ? '1 member' : `${conversation.memberCount} members`;
    const topic = conversation.topic;
    subtitle = topic === null || topic === '' ? [count] : [count, ' · ', { user: topic }];
  } else {
    const online = conversation.members.filter(
      (m) => m.userId !== me && (presence[m.userId]?.status ?? 'offline') !== 'offline',
    ).length;
    subtitle = [`${conversation.members.length} members${online > 0 ? `, ${online} online` : ''}`];
  }
  const toggle = (kind: 'pins' | 'info') => controller.openPanel(panel === kind ? null : { kind });

  return (
    <header className="chat-header">
      <button
        type="button"
        className="icon-button back-button"
        aria-label="Back to conversations"
        onClick={() => controller.open(null)}
      >
        <BackIcon />
      </button>
      <Avatar
        id={peer ?? id}
        name={title}
        url={peer === undefined ? conversation.avatarUrl : users[peer]?.avatarUrl}
        status={status}
      />
      <div className="chat-header-text">
        <h2 className="chat-title">
          {conversation.kind === 'channel' && <span aria-hidden="true"># </span>}
          {peer === undefined ? (
            <UserText text={title} />
          ) : (
            // A direct chat's title is the person: it opens their profile card (Message, Block).
            <PersonButton userId={peer}>
              <UserText text={title} />
            </PersonButton>
          )}
          {conversation.kind === 'channel' && conversation.visibility === 'private' && (
            <span className="title-icon" title="Private channel">
              <LockIcon />
              <span className="visually-hidden">, private</span>
            </span>
          )}
          {notifyLevel === 'muted' && (
            <span className="title-icon" title="Notifications muted">
              <BellOffIcon />
              <span className="visually-hidden">, muted</span>
            </span>
          )}
        </h2>
        <p className="chat-subtitle" data-testid="chat-subtitle">
          <LineText line={subtitle} />
        </p>
        {inProgress.length > 0 && (
          <p className="chat-subtitle group-call-banner" data-testid="group-call-banner">
            Call in progress:{' '}
            <LineText
              line={inProgress.flatMap((p, i) => [...(i > 0 ? [', '] : []), { user: userName(users, p.userId) }])}
            />
          </p>
        )}
      </div>
      <div className="chat-header-actions">
        {conversation.kind === 'direct' && peer !== undefined && (
          <>
            <button
              type="button"
              className="icon-button"
              aria-label="Voice call"
              title="Voice call"
              onClick={() => void controller.calls.call(id, 'audio')}
            >
              <PhoneIcon />
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label="Video call"
              title="Video call"
              onClick={() => void controller.calls.call(id, 'video')}
            >
              <VideoIcon />
            </button>
          </>
        )}
        {conversation.kind !== 'direct' && (
          <>
            <button
              type="button"
              className="icon-button"
              aria-label={inProgress.length > 0 ? 'Join the group call' : 'Start a group call'}
              aria-describedby={unavailable ? 'group-call-unavailable' : undefined}
              title={unavailable ? unavailableText(groupCall.reason) : 'Group call'}
              disabled={unavailable || inCall}
              onClick={() => void controller.groupCalls.join(id)}
            >
              <VideoIcon />
            </button>
            {unavailable && (
              <span id="group-call-unavailable" className="visually-hidden" data-testid="group-call-unavailable">
                {unavailableText(groupCall.reason)}
              </span>
            )}
          </>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label="Search in this conversation"
          title="Search in this conversation"
          onClick={() => setSearch(true)}
        >
          <SearchIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Pinned messages"
          title="Pinned messages"
          aria-pressed={panel === 'pins'}
          onClick={() => toggle('pins')}
        >
          <PinIcon />
        </button>
        <button
          type="button"
          className="icon-button badge-host"
          aria-label={reports > 0 ? `Details, ${reports} open reports` : 'Details'}
          title="Details"
          aria-pressed={panel === 'info'}
          onClick={() => toggle('info')}
        >
          <InfoIcon />
          {reports > 0 && <span className="dot-badge" aria-hidden="true" />}
        </button>
      </div>
      {search && <SearchDialog conversationId={id} onClose={() => setSearch(false)} />}
    </header>
  );
}
