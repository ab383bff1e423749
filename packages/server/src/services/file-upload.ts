/**
 * Turning a finished upload into a stored file: sniff the type from the bytes,
 * check it against the allowed types, and for images decode them once (sharp:
 * dimensions, metadata stripping, thumbnail, placeholder). Client hints (voice
 * kind, duration, waveform, video size) are bounded and kept only for the kinds
 * they describe: the server cannot decode audio or video here.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { MAX_FILE_NAME_CHARS, MAX_WAVEFORM_SAMPLES, truncateFileName, type FileKind } from '@parley/protocol';
import { cleanName } from '../domain/text';
import { processImage, type ProcessedImage } from '../media/image';
import { classify, SNIFF_BYTES, sniffType } from '../media/sniff';
import type { Logger } from '../ports/logger';

/** Metadata of a tus upload (already base64-decoded), as sent by the client. */
export type UploadMetadata = Record<string, string | null | undefined>;

const MAX_DURATION_MS = 24 * 60 * 60 * 1000;
const MAX_DIMENSION = 65_535;

export interface Hints {
  kind: string | undefined;
  durationMs: number | null;
  width: number | null;
  height: number | null;
  waveform: number[] | null;
}

function boundedInt(raw: string | null | undefined, max: number): number | null {
  if (raw === null || raw === undefined || !/^\d{1,12}$/.test(raw)) return null;
  const value = Number(raw);
  return value <= max ? value : null;
}

export function readHints(meta: UploadMetadata): Hints {
  const samples = meta.waveform
    ?.split(',')
    .slice(0, MAX_WAVEFORM_SAMPLES)
    .map((v) => boundedInt(v.trim(), 255));
  const wave = samples?.filter((v) => v !== null);
  return {
    kind: meta.kind ?? undefined,
    durationMs: boundedInt(meta.durationMs, MAX_DURATION_MS),
    width: boundedInt(meta.width, MAX_DIMENSION),
    height: boundedInt(meta.height, MAX_DIMENSION),
    waveform: wave && wave.length > 0 && wave.length === samples?.length ? wave : null,
  };
}

/**
 * A file name as stored: a name by the text rules (control characters refused; NFC,
 * no bidirectional controls, no invisible ends), never a path (the part after the
 * last slash or backslash), `file` when nothing is left, and at most
 * MAX_FILE_NAME_CHARS, cut before the extension so that the extension stays.
 * @throws AppError('invalid_text') for a refused character
 */
export function cleanFileName(raw: string | null | undefined): string {
  const base = cleanName('fileName', (raw ?? '').split(/[\\/]/).pop() ?? '');
  return truncateFileName(base === '' || base === '.' || base === '..' ? 'file' : base, MAX_FILE_NAME_CHARS);
}

/** The first bytes of a stream; the stream is destroyed afterwards. */
export async function readHead(stream: Readable, bytes = SNIFF_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const data = chunk as Buffer;
      chunks.push(data);
      length += data.byteLength;
      if (length >= bytes) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}

export interface Analysis {
  kind: FileKind;
  mime: string;
  image?: ProcessedImage;
}

export async function analyze(
  open: () => Promise<Readable>,
  size: number,
  hints: Hints,
  options: { stripMetadata: boolean; imageMaxProcessBytes: number; logger: Logger },
): Promise<Analysis> {
  const sniffed = await sniffType(await readHead(await open()));
  const { kind, mime } = classify(sniffed, hints.kind);
  if (kind !== 'image' || size > options.imageMaxProcessBytes) return { kind: kind === 'image' ? 'file' : kind, mime };
  try {
    const image = await processImage(await buffer(await open()), { stripMetadata: options.stripMetadata });
    return { kind, mime, image };
  } catch (error) {
    // A corrupt or hostile image is still a file the sender may share, just not shown inline.
    options.logger.warn({ err: error, mime }, 'image processing failed; keeping it as a plain file');
    return { kind: 'file', mime };
  }
}

export function bodyOf(analysis: Analysis, open: () => Promise<Readable>): Promise<Readable | Buffer> {
  return analysis.image ? Promise.resolve(analysis.image.data) : open();
}
