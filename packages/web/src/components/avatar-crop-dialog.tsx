/**
 * Crops a chosen picture to a square in the browser before it is uploaded: the image
 * covers a round viewport; drag it (or use the arrow keys) to place it, and the slider
 * to zoom. Saving draws the visible square into a 512 px canvas and hands the WebP to
 * the parent; the server then makes it a 256 px square without metadata.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { FormError } from './form-error';
import { Modal } from './modal';

const VIEW = 240;
const OUTPUT = 512;

interface Placement {
  x: number;
  y: number;
}

/** Keeps the image covering the viewport: its top-left within [VIEW - size, 0] on each axis. */
function clamp(p: Placement, width: number, height: number): Placement {
  return { x: Math.min(0, Math.max(VIEW - width, p.x)), y: Math.min(0, Math.max(VIEW - height, p.y)) };
}

export function AvatarCropDialog({
  file,
  onSave,
  onClose,
}: {
  file: File;
  onSave: (image: Blob) => Promise<boolean>;
  onClose: () => void;
}) {
  const [url] = useState(() => URL.createObjectURL(file));
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);
  const [zoom, setZoom] = useState(1);
  const [place, setPlace] = useState<Placement>({ x: 0, y: 0 });
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const image = useRef<HTMLImageElement>(null);
  const drag = useRef<{ x: number; y: number; from: Placement } | null>(null);
  const id = useId();
  useEffect(() => () => URL.revokeObjectURL(url), [url]);

  const scale = natural === null ? 1 : (VIEW / Math.min(natural.width, natural.height)) * zoom;
  const width = natural === null ? VIEW : natural.width * scale;
  const height = natural === null ? VIEW : natural.height * scale;

  const setZoomKeepingCentre = (next: number) => {
    if (natural === null) return;
    const ratio = next / zoom;
    const centre = VIEW / 2;
    const moved = { x: centre - (centre - place.x) * ratio, y: centre - (centre - place.y) * ratio };
    const base = VIEW / Math.min(natural.width, natural.height);
    setZoom(next);
    setPlace(clamp(moved, natural.width * base * next, natural.height * base * next));
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, from: place };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (d === null) return;
    setPlace(clamp({ x: d.from.x + event.clientX - d.x, y: d.from.y + event.clientY - d.y }, width, height));
  };
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 40 : 10;
    const moves: Record<string, Placement> = {
      ArrowLeft: { x: step, y: 0 },
      ArrowRight: { x: -step, y: 0 },
      ArrowUp: { x: 0, y: step },
      ArrowDown: { x: 0, y: -step },
    };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    setPlace(clamp({ x: place.x + move.x, y: place.y + move.y }, width, height));
  };

  const save = async () => {
    const img = image.current;
    if (img === null || natural === null) return;
    const canvas = document.createElement('canvas');
    canvas.width = OUTPUT;
    canvas.height = OUTPUT;
    const context = canvas.getContext('2d');
    if (context === null) return setError('This browser cannot crop pictures.');
    const size = VIEW / scale;
    context.drawImage(img, -place.x / scale, -place.y / scale, size, size, 0, 0, OUTPUT, OUTPUT);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/webp', 0.9));
    if (blob === null) return setError('Could not crop the picture. Try another one.');
    setBusy(true);
    if (await onSave(blob)) onClose();
    else setBusy(false);
  };

  return (
    <Modal title="Crop your picture" onClose={onClose}>
      <p className="hint" id={`${id}-help`}>
        Drag the picture or use the arrow keys to place it; zoom with the slider.
      </p>
      <div
        className="cropper"
        role="group"
        tabIndex={0}
        aria-label="Picture position"
        aria-describedby={`${id}-help`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => (drag.current = null)}
        onKeyDown={onKey}
      >
        <img
          ref={image}
          src={url}
          alt=""
          draggable={false}
          style={{ width, height, left: place.x, top: place.y }}
          onLoad={(e) => {
            const { naturalWidth, naturalHeight } = e.currentTarget;
            setNatural({ width: naturalWidth, height: naturalHeight });
            const base = VIEW / Math.min(naturalWidth, naturalHeight);
            // Start centred.
            setPlace({ x: (VIEW - naturalWidth * base) / 2, y: (VIEW - naturalHeight * base) / 2 });
          }}
          onError={() => setError('This file is not a picture this browser can show.')}
        />
      </div>
      <label htmlFor={`${id}-zoom`}>Zoom</label>
      <input
        id={`${id}-zoom`}
        type="range"
        min={1}
        max={4}
        step={0.05}
        value={zoom}
        onChange={(e) => setZoomKeepingCentre(Number(e.target.value))}
      />
      <FormError error={error} />
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy || natural === null}
          onClick={() => void save()}
        >
          Save picture
        </button>
      </div>
    </Modal>
  );
}
