/**
 * An image in a message: its BlurHash placeholder at the right aspect ratio at
 * once, then the server-made thumbnail on top when it has loaded. A click opens
 * the media viewer.
 */
import type { FileContent } from '@parley/protocol';
import { useState } from 'react';
import { placeholderUrl } from '../lib/media';
import { useFileUrl } from '../state/use-file-url';

export function ImageAttachment({ content, onOpen }: { content: FileContent; onOpen: () => void }) {
  const src = useFileUrl(content.fileId, content.thumbnail === true ? 'thumbnail' : 'original');
  const [loaded, setLoaded] = useState(false);
  const placeholder = placeholderUrl(content.placeholder);
  const width = content.width ?? 320;
  const height = content.height ?? 240;
  return (
    <button
      type="button"
      className="attachment-image"
      aria-label={`Open image ${content.name}`}
      onClick={onOpen}
      data-testid="image-attachment"
    >
      {placeholder !== undefined && !loaded && (
        <img className="attachment-placeholder" src={placeholder} width={width} height={height} alt="" />
      )}
      {src !== undefined && (
        <img
          className={loaded ? 'attachment-thumb loaded' : 'attachment-thumb'}
          src={src}
          width={width}
          height={height}
          alt={content.caption ?? content.name}
          onLoad={() => setLoaded(true)}
          data-testid="image-thumbnail"
        />
      )}
    </button>
  );
}
