/**
 * A thread beside the chat: its root message, the replies in order, and a
 * composer that replies in the thread. Opening it marks it read. Images open in a
 * gallery of the thread's images.
 */
import type { FileContent } from '@parley/protocol';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { buildTimeline } from '../lib/timeline-items';
import { useAppState } from '../state/context';
import { MessageRow, PendingRow } from './message-row';
import { Composer } from './composer';
import { Lightbox } from './lightbox';

export function ThreadPane({ conversationId, rootId }: { conversationId: string; rootId: string }) {
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

  useEffect(() => {
    const el = scroller.current;
    if (el !== null) el.scrollTop = el.scrollHeight;
  }, [items.length]);

  const [gallery, setGallery] = useState<string | null>(null);
  const openImage = useCallback((fileId: string) => setGallery(fileId), []);
  const images = useMemo(
    () =>
      [...(root === undefined ? [] : [root]), ...(replies ?? [])].flatMap((m): FileContent[] =>
        m.content.type === 'file' && m.content.kind === 'image' ? [m.content] : [],
      ),
    [root, replies],
  );

  const highlight = useAppState((s) => s.highlight);
  useEffect(() => {
    if (highlight === null) return;
    const el = scroller.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(highlight.messageId)}"]`);
    if (el === null || el === undefined) return;
    el.scrollIntoView({ block: 'center' });
    el.classList.add('flash');
  }, [highlight, items]);

  if (conversation === undefined) return null;
  return (
    <>
      <div className="thread-scroll" ref={scroller} tabIndex={0} role="log" aria-label="Thread replies">
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
            : thread.replies.length === 0
              ? 'No replies yet'
              : thread.replies.length === 1
                ? '1 reply'
                : `${thread.replies.length} replies`}
        </div>
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
      {gallery !== null && <Lightbox images={images} startId={gallery} onClose={() => setGallery(null)} />}
    </>
  );
}
