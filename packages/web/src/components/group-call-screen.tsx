/**
 * The group call screen over the app: a grid with a tile per participant (their
 * video, or their avatar while the camera is off; muted and sharing marks), this
 * device's own tile, the participant list, and buttons to mute, turn the camera off,
 * share the screen and leave. It renders GroupCallController's state only.
 */
import { useEffect, useRef } from 'react';
import type { GroupCallParticipant } from '@parley/protocol';
import { conversationTitle, userName } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { useSelector } from '../state/store';
import { Avatar } from './avatar';
import { MicIcon, MicOffIcon, PhoneOffIcon, ScreenIcon, VideoIcon, VideoOffIcon } from './icons';
import { UserText } from './user-text';

function TileVideo({ stream, muted }: { stream: MediaStream | undefined; muted: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current !== null && ref.current.srcObject !== (stream ?? null)) ref.current.srcObject = stream ?? null;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted={muted} />;
}

function Tile({
  participant,
  stream,
  mine,
}: {
  participant: GroupCallParticipant;
  stream: MediaStream | undefined;
  mine: boolean;
}) {
  const users = useAppState((s) => s.users);
  const name = mine ? 'You' : userName(users, participant.userId);
  const showVideo = participant.video || participant.screen;
  return (
    <li
      className={`group-call-tile${mine ? ' mine' : ''}`}
      data-testid="group-call-tile"
      data-user-id={participant.userId}
      data-feed-id={participant.feedId}
    >
      <TileVideo stream={stream} muted={mine} />
      {!showVideo && (
        <div className="call-placeholder">
          <Avatar id={participant.userId} name={name} url={users[participant.userId]?.avatarUrl} />
        </div>
      )}
      <p className="group-call-name">
        <UserText text={name} />
        {!participant.audio && (
          <span className="group-call-mark" title="Muted">
            <MicOffIcon />
            <span className="visually-hidden">, muted</span>
          </span>
        )}
        {participant.screen && <span className="group-call-mark">, sharing their screen</span>}
      </p>
    </li>
  );
}

export function GroupCallScreen() {
  const controller = useController();
  const calls = controller.groupCalls;
  const view = useSelector(calls.store, (s) => s.view);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const conversation = useAppState((s) =>
    view === null ? undefined : s.conversations[view.conversationId]?.conversation,
  );
  const userIds = view?.participants.map((p) => p.userId).join(',') ?? '';
  useEffect(() => {
    if (userIds !== '') controller.ensureUsers(userIds.split(','));
  }, [controller, userIds]);
  if (view === null) return null;
  const title = conversation === undefined ? 'this conversation' : conversationTitle(conversation, users, me);
  const mine = view.participants.find((p) => p.feedId === view.feedId);
  const others = view.participants.filter((p) => p.feedId !== view.feedId);

  return (
    <section
      className="call-screen phase-active group-call"
      role="dialog"
      aria-label={`Group call in ${title}`}
      data-testid="group-call-screen"
    >
      <h2 className="visually-hidden">
        Group call in <UserText text={title} />
      </h2>
      <ul className="group-call-grid" aria-label="Video tiles">
        {mine !== undefined && <Tile participant={mine} stream={view.local} mine />}
        {others.map((p) => (
          <Tile key={p.feedId} participant={p} stream={view.streams[p.feedId]} mine={false} />
        ))}
      </ul>
      <div className="group-call-side">
        <h3 className="group-call-heading">
          {view.participants.length === 1 ? '1 participant' : `${view.participants.length} participants`}
        </h3>
        <ul className="group-call-people" aria-label="Participants" data-testid="group-call-participants">
          {view.participants.map((p) => (
            <li key={p.feedId} data-user-id={p.userId}>
              <UserText text={p.feedId === view.feedId ? 'You' : userName(users, p.userId)} />
              {!p.audio && ' (muted)'}
              {!p.video && !p.screen && ' (camera off)'}
              {p.screen && ' (sharing screen)'}
            </li>
          ))}
        </ul>
      </div>
      <div className="call-controls">
        <button
          type="button"
          className="call-button"
          aria-pressed={view.muted}
          onClick={() => void calls.setMuted(!view.muted)}
        >
          {view.muted ? <MicOffIcon /> : <MicIcon />}
          <span>{view.muted ? 'Unmute' : 'Mute'}</span>
        </button>
        <button
          type="button"
          className="call-button"
          aria-pressed={!view.cameraOn}
          onClick={() => void calls.setCamera(!view.cameraOn)}
        >
          {view.cameraOn ? <VideoIcon /> : <VideoOffIcon />}
          <span>{view.cameraOn ? 'Camera off' : 'Camera on'}</span>
        </button>
        {typeof navigator.mediaDevices?.getDisplayMedia === 'function' && (
          <button
            type="button"
            className="call-button"
            aria-pressed={view.sharing}
            onClick={() => void calls.toggleScreen()}
          >
            <ScreenIcon />
            <span>{view.sharing ? 'Stop sharing' : 'Share screen'}</span>
          </button>
        )}
        <button type="button" className="call-button hangup" onClick={() => void calls.leave()}>
          <PhoneOffIcon />
          <span>Leave</span>
        </button>
      </div>
    </section>
  );
}
