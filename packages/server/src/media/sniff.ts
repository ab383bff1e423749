/**
 * What a file really is: its media type sniffed from the first bytes (file-type),
 * never the client's claim; and how it may be served. Only types a browser cannot
 * turn into script are served inline; everything else (HTML, SVG, unknown text)
 * is an attachment of type application/octet-stream.
 */
import { fileTypeFromBuffer } from 'file-type';
import type { FileKind } from '@parley/protocol';

/** Bytes read from the start of an upload for sniffing (file-type looks at most this far for common types). */
export const SNIFF_BYTES = 64 * 1024;
export const OCTET_STREAM = 'application/octet-stream';

/** Images sharp decodes here and browsers show: the only images that get thumbnails. */
export const PROCESSABLE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);

const INLINE_TYPES = new Set([
  ...PROCESSABLE_IMAGES,
  'video/mp4',
  'video/webm',
  'video/ogg',
  'video/quicktime',
  'audio/mpeg',
  'audio/ogg',
  'audio/opus',
  'audio/webm',
  'audio/wav',
  'audio/x-wav',
  'audio/flac',
  'audio/x-flac',
  'audio/mp4',
  'audio/aac',
  'audio/x-m4a',
]);

/** The media type of the content, or application/octet-stream when it is not a known binary format. */
export async function sniffType(head: Uint8Array): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  return found?.mime ?? OCTET_STREAM;
}

/**
 * The kind clients present, from the sniffed type and the uploader's hint: a
 * WebM or Ogg the client recorded as a voice message sniffs as `video/webm` (the
 * container says nothing about tracks) and is served as audio.
 */
export function classify(sniffed: string, hint: string | undefined): { kind: FileKind; mime: string } {
  const audioHint = hint === 'voice' || hint === 'audio';
  if (audioHint && (sniffed === 'video/webm' || sniffed === 'audio/webm')) {
    return { kind: hint, mime: 'audio/webm' };
  }
  if (audioHint && (sniffed === 'video/ogg' || sniffed.startsWith('audio/'))) {
    return { kind: hint, mime: sniffed === 'video/ogg' ? 'audio/ogg' : sniffed };
  }
  if (PROCESSABLE_IMAGES.has(sniffed)) return { kind: 'image', mime: sniffed };
  if (sniffed.startsWith('video/')) return { kind: 'video', mime: sniffed };
  if (sniffed.startsWith('audio/')) return { kind: 'audio', mime: sniffed };
  return { kind: 'file', mime: sniffed };
}

/** True when a browser may show the type inline (never HTML, SVG, XML, PDF or unknown text). */
export function servableInline(mime: string): boolean {
  return INLINE_TYPES.has(mime);
}

/**
 * Whether a media type is allowed by a `PARLEY_FILE_TYPES` list: `*`, exact
 * types (`application/pdf`) and families (`image/*`), comma-separated.
 */
export function typeAllowed(mime: string, allowed: readonly string[]): boolean {
  const type = mime.toLowerCase();
  return allowed.some((pattern) => {
    if (pattern === '*' || pattern === '*/*') return true;
    if (pattern.endsWith('/*')) return type.startsWith(pattern.slice(0, -1));
    return pattern === type;
  });
}

export function parseAllowedTypes(list: string): string[] {
  return list
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
}
