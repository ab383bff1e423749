/**
 * Recording a voice message: the microphone through MediaRecorder (Opus in WebM
 * where the browser has it, Ogg otherwise), a live timer, and the loudness
 * sampled ten times a second for the waveform. Send stops and uploads; cancel
 * throws the recording away. Microphone refusal is said, not thrown.
 */
import { useEffect, useRef, useState } from 'react';
import { formatDuration, waveformBars } from '../lib/media';
import { useController } from '../state/context';
import { CloseIcon, SendIcon } from './icons';

const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'];

interface Recording {
  recorder: MediaRecorder;
  stream: MediaStream;
  audio: AudioContext;
  levels: number[];
  startedAt: number;
  timer: ReturnType<typeof setInterval>;
}

export function VoiceRecorder({ id, threadId, onDone }: { id: string; threadId?: string; onDone: () => void }) {
  const controller = useController();
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const recording = useRef<Recording | null>(null);
  const sendOnStop = useRef(false);

  useEffect(() => {
    let cancelled = false;
    const start = async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      if (cancelled) return stream.getTracks().forEach((t) => t.stop());
      const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
      const recorder = new MediaRecorder(stream, mimeType === undefined ? {} : { mimeType });
      const audio = new AudioContext();
      // Created after the click's await: make sure it runs (pages that capture may start audio).
      await audio.resume().catch(() => undefined);
      const analyser = audio.createAnalyser();
      // About 85 ms of signal per 100 ms sample: short sounds are not missed between samples.
      analyser.fftSize = 4096;
      audio.createMediaStreamSource(stream).connect(analyser);
      const samples = new Uint8Array(analyser.fftSize);
      const chunks: Blob[] = [];
      const levels: number[] = [];
      const startedAt = Date.now();
      const timer = setInterval(() => {
        analyser.getByteTimeDomainData(samples);
        let peak = 0;
        for (const s of samples) peak = Math.max(peak, Math.abs(s - 128) / 128);
        levels.push(peak);
        setElapsed(Date.now() - startedAt);
      }, 100);
      recorder.ondataavailable = (e) => chunks.push(e.data);
      recorder.onstop = () => {
        const durationMs = Date.now() - startedAt;
        if (sendOnStop.current && chunks.length > 0) {
          const type = recorder.mimeType.split(';')[0] || 'audio/webm';
          const blob = new Blob(chunks, { type });
          controller.sendFile(
            id,
            blob,
            {
              kind: 'voice',
              name: `voice-message.${type.includes('ogg') ? 'ogg' : 'webm'}`,
              type,
              durationMs,
              waveform: waveformBars(levels),
            },
            { threadId },
          );
        }
        onDone();
      };
      recorder.start(250);
      recording.current = { recorder, stream, audio, levels, startedAt, timer };
    };
    start().catch(() => setError('The microphone is not available: allow it in the browser to record.'));
    return () => {
      cancelled = true;
      const r = recording.current;
      if (r === null) return;
      clearInterval(r.timer);
      if (r.recorder.state !== 'inactive') r.recorder.stop();
      r.stream.getTracks().forEach((t) => t.stop());
      void r.audio.close();
    };
  }, [controller, id, threadId, onDone]);

  const finish = (send: boolean) => {
    sendOnStop.current = send;
    const r = recording.current;
    if (r === null) return onDone();
    clearInterval(r.timer);
    r.recorder.stop();
    r.stream.getTracks().forEach((t) => t.stop());
  };

  if (error !== null) {
    return (
      <div className="recorder" role="alert">
        <span className="recorder-error">{error}</span>
        <button type="button" className="icon-button" aria-label="Close" onClick={onDone}>
          <CloseIcon />
        </button>
      </div>
    );
  }
  return (
    <div className="recorder" data-testid="voice-recorder">
      <button type="button" className="icon-button" aria-label="Cancel recording" onClick={() => finish(false)}>
        <CloseIcon />
      </button>
      <span className="recorder-dot" aria-hidden="true" />
      <span className="recorder-time" role="timer" aria-label="Recording time">
        {formatDuration(elapsed)}
      </span>
      <button
        type="button"
        className="send-button"
        aria-label="Send voice message"
        onClick={() => finish(true)}
        disabled={recording.current === null && elapsed === 0}
      >
        <SendIcon />
      </button>
    </div>
  );
}
