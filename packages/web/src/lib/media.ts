/**
 * Browser-side media helpers: BlurHash placeholders as data URLs, durations as
 * `m:ss`, voice-recording waveforms reduced to a fixed number of bars, and the
 * size and length of a video measured before it is sent.
 */
import { MAX_WAVEFORM_SAMPLES } from '@parley/protocol';
import { decode } from 'blurhash';

const placeholders = new Map<string, string>();

/** A small PNG data URL of a BlurHash (CSP allows data: images), or undefined when it cannot be drawn. */
export function placeholderUrl(hash: string | undefined): string | undefined {
  if (hash === undefined) return undefined;
  const cached = placeholders.get(hash);
  if (cached !== undefined) return cached;
  try {
    const size = 32;
    const pixels = decode(hash, size, size);
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext('2d');
    if (ctx === null) return undefined;
    const image = ctx.createImageData(size, size);
    image.data.set(pixels);
    ctx.putImageData(image, 0, 0);
    const url = canvas.toDataURL('image/png');
    placeholders.set(hash, url);
    return url;
  } catch {
    return undefined;
  }
}

/** `0:07`, `12:30`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Reduces loudness samples (0-1) to at most `bars` values 0-255, each the peak of its span. */
export function waveformBars(levels: readonly number[], bars = 64): number[] {
  const count = Math.min(bars, MAX_WAVEFORM_SAMPLES, levels.length);
  if (count === 0) return [];
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const from = Math.floor((i * levels.length) / count);
    const to = Math.max(from + 1, Math.floor(((i + 1) * levels.length) / count));
    const peak = Math.max(...levels.slice(from, to));
    out.push(Math.round(Math.min(1, Math.max(0, peak)) * 255));
  }
  return out;
}

/** Width, height and duration of a video file, when the browser can read them. */
export function videoHints(file: Blob): Promise<{ width?: number; height?: number; durationMs?: number }> {
  return new Promise((resolve) => {
    const video = document.createElement('video');
    const url = URL.createObjectURL(file);
    const done = (hints: { width?: number; height?: number; durationMs?: number }) => {
      URL.revokeObjectURL(url);
      resolve(hints);
    };
    video.preload = 'metadata';
    video.onloadedmetadata = () =>
      done({
        ...(video.videoWidth > 0 ? { width: video.videoWidth, height: video.videoHeight } : {}),
        ...(Number.isFinite(video.duration) ? { durationMs: Math.round(video.duration * 1000) } : {}),
      });
    video.onerror = () => done({});
    video.src = url;
  });
}
