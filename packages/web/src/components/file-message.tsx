/**
 * The body of a file message, by kind: an image (placeholder, thumbnail,
 * media viewer), an inline video (the browser draws its first frame as the poster
 * and seeks with range requests), a voice message or audio with its waveform,
 * or a card with the name, size and a download link. The caption follows (with
 * Markdown and mentions, like a text; hidden while the caption is being edited).
 * A file's name is user text (isolated), and its real extension is shown apart,
 * in a badge of its own: a name drawn as `holidayexe.png` still says `exe`.
 */
import { fileExtension, formatFileSize, type FileContent } from '@parley/protocol';
import { formatDuration } from '../lib/media';
import { useFileUrl } from '../state/use-file-url';
import { FileIcon } from './icons';
import { ImageAttachment } from './image-attachment';
import { MessageText, type MentionContext } from './message-text';
import { UserText } from './user-text';
import { VoiceMessage } from './voice-message';

function VideoAttachment({ content }: { content: FileContent }) {
  const src = useFileUrl(content.fileId);
  return (
    <div className="attachment-video">
      {src !== undefined && (
        <video
          controls
          preload="metadata"
          src={src}
          width={content.width}
          height={content.height}
          aria-label={`Video ${content.name}`}
          data-testid="video-attachment"
        />
      )}
    </div>
  );
}

/** Longest extension shown whole in the badge. */
const EXTENSION_CHARS = 8;

/** What follows the name's last dot, apart from the name, so that no bidi trick can hide it. */
export function ExtensionBadge({ name }: { name: string }) {
  const extension = fileExtension(name);
  if (extension === null) return null;
  const shown =
    extension.length > EXTENSION_CHARS ? `${[...extension].slice(0, EXTENSION_CHARS).join('')}…` : extension;
  return (
    <span className="file-extension" data-testid="file-extension" title={`.${extension} file`}>
      <span className="visually-hidden">, file type </span>
      <bdi>{shown}</bdi>
    </span>
  );
}

function FileCard({ content }: { content: FileContent }) {
  const href = useFileUrl(content.fileId);
  const details = [
    formatFileSize(content.size),
    ...(content.durationMs !== undefined ? [formatDuration(content.durationMs)] : []),
  ].join(' · ');
  return (
    <div className="attachment-file" data-testid="file-card">
      <FileIcon />
      <div className="attachment-file-text">
        <span className="attachment-file-title">
          <UserText className="attachment-file-name" text={content.name} />
          <ExtensionBadge name={content.name} />
        </span>
        <span className="attachment-file-size">{details}</span>
      </div>
      {href !== undefined && (
        <a
          className="attachment-download"
          href={`${href}&download=1`}
          download={content.name}
          rel="noopener noreferrer"
        >
          Download
          <span className="visually-hidden">
            {' '}
            <UserText text={content.name} />
          </span>
        </a>
      )}
    </div>
  );
}

export function FileMessage({
  content,
  onOpenImage,
  mentions,
  hideCaption = false,
}: {
  content: FileContent;
  onOpenImage: (fileId: string) => void;
  mentions?: MentionContext;
  hideCaption?: boolean;
}) {
  let body;
  switch (content.kind) {
    case 'image':
      body = <ImageAttachment content={content} onOpen={() => onOpenImage(content.fileId)} />;
      break;
    case 'video':
      body = <VideoAttachment content={content} />;
      break;
    case 'voice':
    case 'audio':
      body = <VoiceMessage content={content} />;
      break;
    case 'file':
      body = <FileCard content={content} />;
      break;
  }
  return (
    <div className="attachment" data-kind={content.kind}>
      {body}
      {content.kind === 'audio' && (
        <span className="attachment-file-title">
          <UserText className="attachment-file-name" text={content.name} />
          <ExtensionBadge name={content.name} />
        </span>
      )}
      {content.caption !== undefined && !hideCaption && (
        <MessageText text={content.caption} {...(mentions === undefined ? {} : { mentions })} />
      )}
    </div>
  );
}
