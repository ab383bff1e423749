/**
 * The gallery: one image of the conversation at full size in a modal, with the
 * previous and next images a button (or an arrow key) away.
 */
import type { FileContent } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { useFileUrl } from '../state/use-file-url';
import { ChevronLeftIcon, ChevronRightIcon } from './icons';
import { Modal } from './modal';
import { UserText } from './user-text';

export function Lightbox({
  images,
  startId,
  onClose,
}: {
  images: readonly FileContent[];
  startId: string;
  onClose: () => void;
}) {
  const [index, setIndex] = useState(() =>
    Math.max(
      0,
      images.findIndex((i) => i.fileId === startId),
    ),
  );
  const image = images[index];
  const src = useFileUrl(image?.fileId ?? '', 'original', image !== undefined);
  const go = (step: number) => setIndex((i) => Math.min(images.length - 1, Math.max(0, i + step)));

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'ArrowLeft') go(-1);
      if (event.key === 'ArrowRight') go(1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (image === undefined) return null;
  return (
    <Modal title={<UserText text={image.name} />} onClose={onClose} wide>
      <div className="lightbox">
        <button
          type="button"
          className="icon-button lightbox-nav"
          aria-label="Previous image"
          disabled={index === 0}
          onClick={() => go(-1)}
        >
          <ChevronLeftIcon />
        </button>
        <figure className="lightbox-figure">
          {src !== undefined && (
            <img
              src={src}
              width={image.width}
              height={image.height}
              alt={image.caption ?? image.name}
              data-testid="lightbox-image"
            />
          )}
          <figcaption>
            <UserText text={image.caption ?? image.name} /> · {index + 1} of {images.length}
          </figcaption>
        </figure>
        <button
          type="button"
          className="icon-button lightbox-nav"
          aria-label="Next image"
          disabled={index === images.length - 1}
          onClick={() => go(1)}
        >
          <ChevronRightIcon />
        </button>
      </div>
    </Modal>
  );
}
