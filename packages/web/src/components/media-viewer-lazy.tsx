/**
 * The media viewer, fetched the first time one is opened: its code and styles are a
 * chunk of their own, out of the main bundle. Nothing shows while it loads (a click
 * on a thumbnail is answered within a frame or two on a warm cache).
 */
import { lazy, Suspense } from 'react';
import type { MediaViewerProps } from './media-viewer';

const MediaViewer = lazy(() => import('./media-viewer'));

export function LazyMediaViewer(props: MediaViewerProps) {
  return (
    <Suspense fallback={null}>
      <MediaViewer {...props} />
    </Suspense>
  );
}
