/**
 * The call screen over the app: ringing (accept or decline), calling (cancel),
 * "calling from another device", "answered on another device", the call itself
 * (the other person's video large, mine small, their muted and camera state, the
 * duration, connection state, and buttons to mute, turn the camera off, share the
 * screen and hang up), then why it ended. It renders CallController's state only.
 */
import { useEffect, useRef } from 'react';
import { callDuration, endReasonText } from '../lib/call-text';
import { userName } from '../lib/names';
import type { CallView } from '../state/calls';
import { useAppState, useController, useNow } from '../state/context';
import { useSelector } from '../state/store';
import { Avatar } from './avatar';
import { MicIcon, MicOffIcon, PhoneIcon, PhoneOffIcon, ScreenIcon, VideoIcon, VideoOffIcon } from './icons';
import { UserText } from './user-text';

function StreamVideo({ stream, muted, testId }: { stream: MediaStream | null; muted: boolean; testId: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current !== null && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted={muted} data-testid={testId} />;
}

function Duration({ since }: { since: number }) {
  const now = useNow(1000);
  return (
    <span className="call-duration" data-testid="call-duration">
      {callDuration(Math.max(0, now - since))}
    </span>
  );
}

function headline(view: CallView, peer: string, me: string): string {
  const kind = view.call.media === 'video' ? 'video call' : 'voice call';
  switch (view.phase) {
    case 'incoming':
      return `Incoming ${kind}`;
    case 'outgoing':
      return 'Calling…';
    case 'calling-elsewhere':
      return `Calling ${peer} from another device`;
    case 'elsewhere':
      return view.call.calleeId === me ? 'Answered on another device' : 'In the call on another device';
    case 'active':
      return view.connection === 'connected' ? `In a ${kind}` : 'Connecting…';
    case 'ended':
      return view.ended === undefined ? 'Call ended' : endReasonText(view.ended.reason, view.ended.byMe);
  }
}

export function CallScreen() {
  const controller = useController();
  const calls = controller.calls;
  const view = useSelector(calls.store, (s) => s.view);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const peerId = view === null ? undefined : view.call.callerId === me ? view.call.calleeId : view.call.callerId;
  useEffect(() => {
    if (peerId !== undefined) controller.ensureUsers([peerId]);
  }, [controller, peerId]);
  if (view === null || peerId === undefined) return null;
  const peer = userName(users, peerId);
  const active = view.phase === 'active';
  const ringing = view.phase === 'incoming';
  const video = view.call.media === 'video';

  return (
    <section
      className={`call-screen phase-${view.phase}`}
      role={ringing ? 'alertdialog' : 'dialog'}
      aria-label={`Call with ${peer}`}
      data-testid="call-screen"
      data-phase={view.phase}
    >
      <div className="call-stage">
        {active && (
          <div className="call-remote">
            <StreamVideo stream={view.remote} muted={false} testId="remote-video" />
            {(!video || !view.remoteMedia.video) && !view.remoteMedia.screen && (
              <div className="call-placeholder">
                <Avatar id={peerId} name={peer} url={users[peerId]?.avatarUrl} />
              </div>
            )}
          </div>
        )}
        {active && video && (
          <div className="call-local">
            <StreamVideo stream={view.local} muted testId="local-video" />
          </div>
        )}
        {!active && (
          <div className="call-placeholder">
            <Avatar id={peerId} name={peer} url={users[peerId]?.avatarUrl} />
          </div>
        )}
      </div>
      <div className="call-info">
        <p className="call-peer">
          <UserText text={peer} />
        </p>
        <p className="call-status" data-testid="call-status" aria-live="polite">
          {headline(view, peer, me)}
          {active && view.call.answeredAt !== null && (
            <>
              {' · '}
              <Duration since={view.call.answeredAt} />
            </>
          )}
        </p>
        {active && !view.remoteMedia.audio && (
          <p className="call-note" data-testid="remote-muted">
            <UserText text={peer} /> is muted
          </p>
        )}
        {active && video && !view.remoteMedia.video && !view.remoteMedia.screen && (
          <p className="call-note" data-testid="remote-camera-off">
            <UserText text={peer} /> turned their camera off
          </p>
        )}
        {active && view.remoteMedia.screen && (
          <p className="call-note" data-testid="remote-sharing">
            <UserText text={peer} /> is sharing their screen
          </p>
        )}
        {active && view.noRelay && view.connection === 'failed' && (
          <p className="call-note">No relay server is configured: calls only connect on the same network.</p>
        )}
      </div>
      <div className="call-controls">
        {ringing && (
          <>
            <button type="button" className="call-button accept" onClick={() => void calls.accept()}>
              {video ? <VideoIcon /> : <PhoneIcon />}
              <span>Accept</span>
            </button>
            <button type="button" className="call-button hangup" onClick={() => void calls.decline()}>
              <PhoneOffIcon />
              <span>Decline</span>
            </button>
          </>
        )}
        {active && (
          <>
            <button
              type="button"
              className="call-button"
              aria-pressed={view.muted}
              onClick={() => calls.setMuted(!view.muted)}
            >
              {view.muted ? <MicOffIcon /> : <MicIcon />}
              <span>{view.muted ? 'Unmute' : 'Mute'}</span>
            </button>
            {video && (
              <button
                type="button"
                className="call-button"
                aria-pressed={!view.cameraOn}
                onClick={() => calls.setCamera(!view.cameraOn)}
              >
                {view.cameraOn ? <VideoIcon /> : <VideoOffIcon />}
                <span>{view.cameraOn ? 'Camera off' : 'Camera on'}</span>
              </button>
            )}
            {video && typeof navigator.mediaDevices?.getDisplayMedia === 'function' && (
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
          </>
        )}
        {(view.phase === 'outgoing' || active) && (
          <button type="button" className="call-button hangup" onClick={() => void calls.hangup()}>
            <PhoneOffIcon />
            <span>{active ? 'Hang up' : 'Cancel'}</span>
          </button>
        )}
        {(view.phase === 'ended' || view.phase === 'elsewhere' || view.phase === 'calling-elsewhere') && (
          <button type="button" className="call-button" onClick={() => calls.dismiss()}>
            <span>Close</span>
          </button>
        )}
      </div>
    </section>
  );
}
