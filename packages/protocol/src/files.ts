/**
 * Files on the wire: the `file` message content (documents, images, video, audio
 * and voice messages), what a client sends to post an upload, and the bodies of
 * the file endpoints. Uploads themselves use the tus 1.0 protocol at
 * `/v1/uploads` (docs/protocol.md, "Files"); this module only describes JSON.
 */
import { Type, type Static } from 'typebox';
import { FileId } from './ids';

/** How clients should present a file; decided by the server from the sniffed type. */
export const FileKind = Type.Union([
  Type.Literal('image'),
  Type.Literal('video'),
  Type.Literal('audio'),
  Type.Literal('voice'),
  Type.Literal('file'),
]);
export type FileKind = Static<typeof FileKind>;

/** Most waveform samples a voice message carries (each 0-255). */
export const MAX_WAVEFORM_SAMPLES = 128;
/** Longest caption, in characters. */
export const MAX_CAPTION_CHARS = 4000;
/** Longest file name, in characters. */
export const MAX_FILE_NAME_CHARS = 255;

export const Waveform = Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { maxItems: MAX_WAVEFORM_SAMPLES });

/**
 * A message that carries one file. Every field but `caption` comes from the
 * server's record of the upload: `mime` is sniffed from the bytes (never the
 * client's claim), `width`/`height`/`placeholder` are computed for images.
 * Fetch the bytes with a link from `GET /v1/files/{fileId}/link`.
 */
export const FileContent = Type.Object({
  type: Type.Literal('file'),
  fileId: FileId,
  name: Type.String({ maxLength: MAX_FILE_NAME_CHARS }),
  size: Type.Integer({ minimum: 0, description: 'Bytes' }),
  mime: Type.String({ description: 'Media type sniffed from the content; application/octet-stream if unknown' }),
  kind: FileKind,
  width: Type.Optional(Type.Integer({ minimum: 1 })),
  height: Type.Optional(Type.Integer({ minimum: 1 })),
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  placeholder: Type.Optional(
    Type.String({ maxLength: 100, description: 'BlurHash of the image, shown while loading' }),
  ),
  waveform: Type.Optional(Waveform),
  thumbnail: Type.Optional(Type.Boolean({ description: 'True when `/v1/files/{fileId}/thumbnail` exists' })),
  caption: Type.Optional(Type.String({ maxLength: MAX_CAPTION_CHARS })),
});
export type FileContent = Static<typeof FileContent>;

/** What a client sends to post a completed upload it owns. */
export const FileSendContent = Type.Object(
  {
    type: Type.Literal('file'),
    fileId: FileId,
    caption: Type.Optional(Type.String({ maxLength: MAX_CAPTION_CHARS })),
  },
  { additionalProperties: false },
);
export type FileSendContent = Static<typeof FileSendContent>;

export const FileParams = Type.Object({ fileId: FileId });
export type FileParams = Static<typeof FileParams>;

export const FileVariant = Type.Union([Type.Literal('original'), Type.Literal('thumbnail')]);
export type FileVariant = Static<typeof FileVariant>;

export const FileLinkQuery = Type.Object({ variant: Type.Optional(FileVariant) }, { additionalProperties: false });
export type FileLinkQuery = Static<typeof FileLinkQuery>;

export const FileLinkResponse = Type.Object({
  url: Type.String({
    description: 'Path (relative to the server) that serves the file without a token until expiresAt',
  }),
  expiresAt: Type.Integer({ description: 'Epoch milliseconds' }),
});
export type FileLinkResponse = Static<typeof FileLinkResponse>;

/** Query of a signed download URL (made by the server, opaque to clients). */
export const FileDownloadQuery = Type.Object({
  exp: Type.Optional(Type.Integer({ minimum: 0 })),
  sig: Type.Optional(Type.String({ maxLength: 128 })),
  download: Type.Optional(Type.Integer({ minimum: 0, maximum: 1, description: '1: always as an attachment' })),
});
export type FileDownloadQuery = Static<typeof FileDownloadQuery>;

/**
 * The tus `Upload-Metadata` keys the server reads (values base64 as tus says):
 * `filename`, `filetype` (the client's guess; checked against the allowed types
 * before any byte is stored, then replaced by the sniffed type), `kind` (`voice`
 * marks a voice message), `durationMs`, `waveform` (comma-separated 0-255),
 * `width` and `height` (video, from the client's player).
 */
export const UPLOAD_METADATA_KEYS = [
  'filename',
  'filetype',
  'kind',
  'durationMs',
  'waveform',
  'width',
  'height',
] as const;

const KIND_LABELS: Record<FileKind, string> = {
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  voice: 'Voice message',
  file: 'File',
};

/**
 * A one-line plain-text stand-in for a file message, for places that show only
 * text (conversation previews, notifications, XMPP bodies, the CLI): the caption
 * when there is one, else the kind and name.
 * @example fileSummary(content) // 'Photo: beach.jpg'
 */
export function fileSummary(content: FileContent): string {
  if (content.caption !== undefined && content.caption.trim() !== '') return content.caption;
  return content.kind === 'voice' ? KIND_LABELS.voice : `${KIND_LABELS[content.kind]}: ${content.name}`;
}

/**
 * A size as people read it: `12 B`, `320 KB`, `1.5 MB` (powers of 1000, as file
 * managers show them).
 */
export function formatFileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
