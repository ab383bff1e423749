/**
 * A thread beside the chat: its root message, the replies in order, and a
 * composer that replies in the thread. Opening it marks it read. Images open in a
 * media viewer over the thread's images. A long thread loads its newest page of replies;
 * older ones come with "Load earlier replies" or by scrolling to the top, without
 * moving what is on screen.
 */
import type { FileContent } from '@parley/protocol';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { buildTimeline } from '../lib/timeline-items';
import { useAppState, useController } from '../state/context';
import { useHighlight } from '../state/use-highlight';
import { MessageRow, PendingRow } from './message-row';
import { Composer } from './composer';
import { LazyMediaViewer } from './media-viewer-lazy';

/** How close to the top (px) scrolling up loads older replies. */
const LOAD_MARGIN = 40;

interface Snapshot {
  height: number;
  top: number;
  firstKey: string | undefined;
  lastKey: string | undefined;
}

export function ThreadPane({ conversationId, rootId }: { conversationId: string; rootId: string }) {
  const controller = useController();
  const thread = useAppState((s) => s.threads[rootId]);
  const rootInTimeline = useAppState((s) => s.conversations[conversationId]?.messages.find((m) => m.id === rootId));
  const conversation = useAppState((s) => s.conversations[conversationId]?.conversation);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const pendingAll = useAppState((s) => s.pending);
  const scroller = useRef<HTMLDivElement>(null);
  const root = rootInTimeline ?? thread?.root;

  const replies = thread?.replies;
  const items = useMemo(
    () =>
      buildTimeline(
        replies ?? [],
        pendingAll.filter((p) => p.threadId === rootId),
        me,
      ),
    [replies, pendingAll, rootId, me],
  );

  // New replies (and the first page) scroll to the bottom; older replies going in above
  // move the view by exactly their height, so nothing on screen moves.
  const snapshot = useRef<Snapshot | undefined>(undefined);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const prev = snapshot.current;
    const firstKey = items[0]?.key;
    const lastKey = items[items.length - 1]?.key;
    if (prev !== undefined && prev.lastKey !== undefined && prev.firstKey !== firstKey && prev.lastKey === lastKey) {
      el.scrollTop = prev.top + (el.scrollHeight - prev.height);
    } else if (prev === undefined || prev.firstKey !== firstKey || prev.lastKey !== lastKey) {
      el.scrollTop = el.scrollHeight;
    }
    snapshot.current = { height: el.scrollHeight, top: el.scrollTop, firstKey, lastKey };
  }, [items]);

  const hasMore = thread?.loaded === true && thread.hasMoreBefore;
  const loadingOlder = thread?.loadingOlder ?? false;
  const loadOlder = useCallback(() => void controller.loadOlderReplies(rootId), [controller, rootId]);
  const onScroll = () => {
    const el = scroller.current;
    if (el === null) return;
    const snap = snapshot.current;
    if (snap !== undefined) snapshot.current = { ...snap, height: el.scrollHeight, top: el.scrollTop };
    if (el.scrollTop < LOAD_MARGIN && hasMore && !loadingOlder) loadOlder();
  };

  // The "Load earlier replies" button goes away with the last page: keep the focus in the thread.
  const loadButton = useRef<HTMLButtonElement>(null);
  const buttonHadFocus = useRef(false);
  useEffect(() => {
    if (hasMore || !buttonHadFocus.current) return;
    buttonHadFocus.current = false;
    scroller.current?.focus({ preventScroll: true });
  }, [hasMore]);

  const [gallery, setGallery] = useState<string | null>(null);
  const openImage = useCallback((fileId: string) => setGallery(fileId), []);
  const images = useMemo(
    () =>
      [...(root === undefined ? [] : [root]), ...(replies ?? [])].flatMap((m): FileContent[] =>
        m.content.type === 'file' && m.content.kind === 'image' ? [m.content] : [],
      ),
    [root, replies],
  );

  useHighlight(scroller, items);

  // Every reply, also those on pages not loaded (the root's summary counts them).
  const replyCount = Math.max(thread?.replies.length ?? 0, root?.thread?.replyCount ?? 0);

  if (conversation === undefined) return null;
  return (
    <>
      <div
        className="thread-scroll"
        ref={scroller}
        onScroll={onScroll}
        tabIndex={0}
        role="log"
        aria-label="Thread replies"
        aria-busy={loadingOlder}
      >
        {root !== undefined && root.content.type !== 'update' && (
          <div className="thread-root">
            <MessageRow
              message={root}
              conversation={conversation}
              users={users}
              me={me}
              first
              last
              inThread
              onOpenImage={openImage}
            />
          </div>
        )}
        <div className="thread-divider" role="separator">
          {thread === undefined || !thread.loaded
            ? 'Loading replies…'
            : replyCount === 0
              ? 'No replies yet'
              : replyCount === 1
                ? '1 reply'
                : `${replyCount} replies`}
        </div>
        {hasMore && (
          <div className="thread-earlier">
            <button
              type="button"
              ref={loadButton}
              className="load-earlier"
              onClick={loadOlder}
              onFocus={() => (buttonHadFocus.current = true)}
              onBlur={() => (buttonHadFocus.current = false)}
              aria-disabled={loadingOlder}
            >
              {loadingOlder ? 'Loading earlier replies…' : 'Load earlier replies'}
            </button>
          </div>
        )}
        {items.map((item) =>
          item.kind === 'message' ? (
            <MessageRow
              key={item.key}
              message={item.message}
              conversation={conversation}
              users={users}
              me={me}
              first={item.first}
              last={item.last}
              inThread
              onOpenImage={openImage}
            />
          ) : item.kind === 'pending' ? (
            <PendingRow key={item.key} pending={item.pending} first={item.first} />
          ) : null,
        )}
      </div>
      <Composer key={`thread-${rootId}`} id={conversationId} threadId={rootId} />
      {gallery !== null && (
        <LazyMediaViewer
          items={images}
          start={Math.max(
            0,
            images.findIndex((i) => i.fileId === gallery),
          )}
          onClose={() => setGallery(null)}
        />
      )}
    </>
  );
}
