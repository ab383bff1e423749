/**
 * The full-screen media viewer: one image or video at a time, with zoom (buttons,
 * the wheel or a pinch, a double click, + and - keys), panning a zoomed image by
 * dragging, a download link, and the previous and next items a button or an arrow
 * key away (the buttons are there only when there are several). A modal <dialog>:
 * focus stays inside, Escape closes, and focus returns to what opened it. Loaded on
 * demand (media-viewer-lazy.tsx), so none of this is in the main bundle.
 */
import type { FileContent } from '@parley/protocol';
import {
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
} from 'react';
import { useFileUrl } from '../state/use-file-url';
import '../styles/media-viewer.css';
import { ChevronLeftIcon, ChevronRightIcon, CloseIcon, DownloadIcon, ZoomInIcon, ZoomOutIcon } from './icons';
import { useModalDialog } from './modal';
import { UserText } from './user-text';

export interface MediaViewerProps {
  /** Images and videos, in the order previous/next walks them. */
  items: readonly FileContent[];
  /** The index shown first. */
  start: number;
  onClose: () => void;
}

const MIN_ZOOM = 1;
const MAX_ZOOM = 8;
const STEP = 1.25;

const clamp = (zoom: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));

interface View {
  zoom: number;
  x: number;
  y: number;
}

const FIT: View = { zoom: 1, x: 0, y: 0 };

const FOCUSABLE = 'button, a[href], video[controls], [tabindex]';

/** Zoom, pan, wheel and pinch for one image: keyed by the item, so each starts fitted. */
function ZoomableImage({
  item,
  view,
  setView,
}: {
  item: FileContent;
  view: View;
  setView: (change: (v: View) => View) => void;
}) {
  const src = useFileUrl(item.fileId, 'original');
  const stage = useRef<HTMLDivElement>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const pinch = useRef<{ distance: number; zoom: number } | null>(null);

  useEffect(() => {
    const el = stage.current;
    if (el === null) return;
    // A wheel zooms instead of scrolling the page behind: needs a listener that is not passive.
    // Chromium reports a touchpad pinch as a wheel with ctrlKey, so it zooms too.
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const factor = event.deltaY < 0 ? STEP : 1 / STEP;
      setView((v) => {
        const zoom = clamp(v.zoom * factor);
        return zoom === MIN_ZOOM ? FIT : { ...v, zoom };
      });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [setView]);

  const distance = () => {
    const [a, b] = [...pointers.current.values()];
    return a === undefined || b === undefined ? 0 : Math.hypot(a.x - b.x, a.y - b.y);
  };
  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.current.size === 2) pinch.current = { distance: distance(), zoom: view.zoom };
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>) => {
    const last = pointers.current.get(event.pointerId);
    if (last === undefined) return;
    pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    const start = pinch.current;
    if (start !== null && pointers.current.size === 2 && start.distance > 0) {
      const zoom = clamp((start.zoom * distance()) / start.distance);
      setView((v) => (zoom === MIN_ZOOM ? FIT : { ...v, zoom }));
    } else if (pointers.current.size === 1 && view.zoom > MIN_ZOOM) {
      const dx = event.clientX - last.x;
      const dy = event.clientY - last.y;
      setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
    }
  };
  const onPointerUp = (event: ReactPointerEvent<HTMLDivElement>) => {
    pointers.current.delete(event.pointerId);
    if (pointers.current.size < 2) pinch.current = null;
  };

  return (
    <div
      ref={stage}
      className={view.zoom > MIN_ZOOM ? 'viewer-stage zoomed' : 'viewer-stage'}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={() => setView((v) => (v.zoom > MIN_ZOOM ? FIT : { zoom: 2, x: 0, y: 0 }))}
      data-testid="viewer-stage"
    >
      {src !== undefined && (
        <img
          src={src}
          width={item.width}
          height={item.height}
          alt={item.caption ?? item.name}
          draggable={false}
          style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.zoom})` }}
          data-testid="viewer-image"
        />
      )}
    </div>
  );
}

function ViewerVideo({ item }: { item: FileContent }) {
  const src = useFileUrl(item.fileId, 'original');
  return (
    <div className="viewer-stage">
      {src !== undefined && (
        <video
          controls
          preload="metadata"
          src={src}
          width={item.width}
          height={item.height}
          aria-label={`Video ${item.name}`}
          data-testid="viewer-video"
        />
      )}
    </div>
  );
}

function DownloadLink({ item }: { item: FileContent }) {
  const href = useFileUrl(item.fileId, 'original');
  if (href === undefined) return null;
  return (
    <a
      className="icon-button viewer-download"
      href={`${href}&download=1`}
      download={item.name}
      rel="noopener noreferrer"
      aria-label={`Download ${item.name}`}
    >
      <DownloadIcon />
    </a>
  );
}

export default function MediaViewer({ items, start, onClose }: MediaViewerProps) {
  const { ref, close } = useModalDialog(onClose);
  const titleId = useId();
  const [index, setIndex] = useState(() => Math.min(Math.max(0, start), Math.max(0, items.length - 1)));
  const [view, setView] = useState<View>(FIT);
  const item = items[index];
  const several = items.length > 1;
  const isImage = item?.kind === 'image';

  const go = (step: number) => {
    setIndex((i) => Math.min(items.length - 1, Math.max(0, i + step)));
    setView(FIT);
  };
  const zoomBy = (factor: number) =>
    setView((v) => {
      const zoom = clamp(v.zoom * factor);
      return zoom === MIN_ZOOM ? FIT : { ...v, zoom };
    });

  const onKeyDown = (event: ReactKeyboardEvent<HTMLDialogElement>) => {
    if (event.key === 'Escape') {
      // Handled here, not left to bubble: React carries the key up its own tree, and the side
      // panel the gallery sits in would close on it too.
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    if (event.key === 'Tab') {
      // A modal dialog keeps focus from the page, not from the browser's own controls: wrap
      // around at the ends, so Tab never leaves the viewer.
      const focusable = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
        (el) => !el.hasAttribute('disabled') && el.tabIndex >= 0,
      );
      const first = focusable[0];
      const last = focusable.at(-1);
      if (first === undefined || last === undefined) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
      return;
    }
    // Arrow keys on a video's own controls seek and change the volume: leave them there.
    if (event.target instanceof HTMLVideoElement) return;
    if (event.key === 'ArrowLeft' && several) {
      event.preventDefault();
      go(-1);
    } else if (event.key === 'ArrowRight' && several) {
      event.preventDefault();
      go(1);
    } else if ((event.key === '+' || event.key === '=') && isImage) {
      event.preventDefault();
      zoomBy(STEP);
    } else if (event.key === '-' && isImage) {
      event.preventDefault();
      zoomBy(1 / STEP);
    } else if (event.key === '0' && isImage) {
      event.preventDefault();
      setView(FIT);
    }
  };

  return (
    <dialog
      ref={ref}
      className="media-viewer"
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
      data-testid="media-viewer"
    >
      {item !== undefined && (
        <>
          <header className="viewer-bar">
            <h2 id={titleId} className="viewer-title">
              <UserText text={item.name} />
              {several && (
                <span className="viewer-count" data-testid="viewer-count">
                  {' '}
                  · {index + 1} of {items.length}
                </span>
              )}
            </h2>
            {isImage && (
              <div className="viewer-zoom" role="group" aria-label="Zoom">
                <button
                  type="button"
                  className="icon-button"
                  aria-label="Zoom out"
                  disabled={view.zoom <= MIN_ZOOM}
                  onClick={() => zoomBy(1 / STEP)}
                >
                  <ZoomOutIcon />
                </button>
                <button
                  type="button"
                  className="viewer-zoom-level"
                  aria-label={`Zoom ${Math.round(view.zoom * 100)}%, reset to fit`}
                  onClick={() => setView(FIT)}
                  data-testid="zoom-level"
                >
                  {Math.round(view.zoom * 100)}%
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label="Zoom in"
                  disabled={view.zoom >= MAX_ZOOM}
                  onClick={() => zoomBy(STEP)}
                >
                  <ZoomInIcon />
                </button>
              </div>
            )}
            <DownloadLink key={`dl-${index}`} item={item} />
            <button type="button" className="icon-button" aria-label="Close viewer" onClick={() => close()} autoFocus>
              <CloseIcon />
            </button>
          </header>
          <div className="viewer-body">
            {several && (
              <button
                type="button"
                className="icon-button viewer-nav viewer-prev"
                aria-label="Previous"
                disabled={index === 0}
                onClick={() => go(-1)}
              >
                <ChevronLeftIcon />
              </button>
            )}
            {isImage ? (
              <ZoomableImage key={index} item={item} view={view} setView={setView} />
            ) : (
              <ViewerVideo key={index} item={item} />
            )}
            {several && (
              <button
                type="button"
                className="icon-button viewer-nav viewer-next"
                aria-label="Next"
                disabled={index === items.length - 1}
                onClick={() => go(1)}
              >
                <ChevronRightIcon />
              </button>
            )}
          </div>
          {item.caption !== undefined && (
            <p className="viewer-caption">
              <UserText text={item.caption} />
            </p>
          )}
        </>
      )}
    </dialog>
  );
}
