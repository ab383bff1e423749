/**
 * A voice message (or audio file): play/pause, the waveform recorded by the
 * sender with the played part highlighted, and the time. The <audio> element
 * streams from a signed link with range requests, so seeking works.
 */
import type { FileContent } from '@parley/protocol';
import { useRef, useState } from 'react';
import { formatDuration } from '../lib/media';
import { useFileUrl } from '../state/use-file-url';
import { PauseIcon, PlayIcon } from './icons';

const FLAT = Array.from({ length: 32 }, () => 40);

export function VoiceMessage({ content }: { content: FileContent }) {
  const src = useFileUrl(content.fileId);
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const durationMs = content.durationMs ?? 0;
  const bars = content.waveform !== undefined && content.waveform.length > 0 ? content.waveform : FLAT;
  const played = durationMs > 0 ? Math.min(1, position / durationMs) : 0;

  const toggle = () => {
    const el = audio.current;
    if (el === null) return;
    if (el.paused) el.play().catch(() => setPlaying(false));
    else el.pause();
  };

  const seek = (fraction: number) => {
    const el = audio.current;
    if (el === null || durationMs === 0) return;
    el.currentTime = (fraction * durationMs) / 1000;
  };

  return (
    <div className="voice" data-testid="voice-message">
      <button
        type="button"
        className="icon-button voice-play"
        aria-label={playing ? 'Pause voice message' : 'Play voice message'}
        onClick={toggle}
        disabled={src === undefined}
      >
        {playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <div
        className="voice-wave"
        role="slider"
        tabIndex={0}
        aria-label="Position"
        aria-valuemin={0}
        aria-valuemax={Math.round(durationMs / 1000)}
        aria-valuenow={Math.round(position / 1000)}
        aria-valuetext={`${formatDuration(position)} of ${formatDuration(durationMs)}`}
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          seek((e.clientX - box.left) / box.width);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowRight') seek(Math.min(1, played + 0.1));
          if (e.key === 'ArrowLeft') seek(Math.max(0, played - 0.1));
        }}
      >
        {bars.map((value, i) => (
          <span
            key={i}
            className={i / bars.length < played ? 'voice-bar played' : 'voice-bar'}
            style={{ height: `${Math.max(8, Math.round((value / 255) * 100))}%` }}
          />
        ))}
      </div>
      <span className="voice-time" data-testid="voice-duration">
        {formatDuration(playing || position > 0 ? position : durationMs)}
      </span>
      {src !== undefined && (
        <audio
          ref={audio}
          src={src}
          preload="metadata"
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => {
            setPlaying(false);
            setPosition(0);
          }}
          onTimeUpdate={(e) => setPosition(e.currentTarget.currentTime * 1000)}
          data-testid="voice-audio"
        />
      )}
    </div>
  );
}
