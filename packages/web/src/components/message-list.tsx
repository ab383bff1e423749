/**
 * The scrolling history of one conversation. It opens at the newest message,
 * loads older pages as you scroll up and keeps the view still while they are
 * prepended (no jump), follows new messages only when you are at the bottom (or
 * sent them), and fills a short screen by loading more.
 */
import type { FileContent } from '@parley/protocol';
import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { dayLabel } from '../lib/format-time';
import { pinLine, systemLine } from '../lib/names';
import { routeHash } from '../lib/route';
import { buildTimeline, firstUnreadKey, isTimelineEntry, type TimelineItem } from '../lib/timeline-items';
import { useAppState, useController } from '../state/context';
import { contiguousStart } from '../state/reducers';
import { useHighlight } from '../state/use-highlight';
import { LazyMediaViewer } from './media-viewer-lazy';
import { MessageRow, PendingRow } from './message-row';
import { LineText } from './user-text';

/** Start loading older messages this close to the top (px). */
const LOAD_MARGIN = 400;
/** Within this distance of the bottom counts as "at the bottom" (px). */
const BOTTOM_SLACK = 48;

interface Snapshot {
  height: number;
  top: number;
  firstKey: string | undefined;
  lastKey: string | undefined;
  atBottom: boolean;
}

const atBottom = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;

export function MessageList({ id }: { id: string }) {
  const controller = useController();
  const c = useAppState((s) => s.conversations[id]);
  const pendingAll = useAppState((s) => s.pending);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const ref = useRef<HTMLDivElement>(null);
  const snapshot = useRef<Snapshot | undefined>(undefined);

  const messages = c?.messages;
  const items = useMemo(() => {
    const list = messages ?? [];
    const shown = list.slice(contiguousStart(list)).filter(isTimelineEntry);
    return buildTimeline(
      shown,
      pendingAll.filter((p) => p.conversationId === id && p.threadId === undefined),
      me,
    );
  }, [messages, pendingAll, id, me]);

  // "New messages": how many were unread when the conversation opened (reading it clears the count).
  // The line stays where it was put, while more messages arrive below it.
  const newFromRef = useRef<string | null | undefined>(undefined);
  if (newFromRef.current === undefined && c?.opened === true)
    newFromRef.current = firstUnreadKey(items, c.unread, me) ?? null;
  const newFrom = newFromRef.current ?? undefined;

  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const prev = snapshot.current;
    const firstKey = items[0]?.key;
    const last = items[items.length - 1];
    const lastKey = last?.key;
    if (prev === undefined || prev.lastKey === undefined) {
      el.scrollTop = el.scrollHeight;
    } else if (prev.firstKey !== firstKey && prev.lastKey === lastKey) {
      // Older messages went in above: move by exactly their height, so nothing on screen moves.
      el.scrollTop = prev.top + (el.scrollHeight - prev.height);
    } else if (prev.lastKey !== lastKey) {
      const own = last?.kind === 'pending';
      if (prev.atBottom || own) el.scrollTop = el.scrollHeight;
    } else if (prev.atBottom) {
      // Something changed in place (an edit, a reaction, the "New messages" line): stay at the bottom.
      el.scrollTop = el.scrollHeight;
    }
    snapshot.current = { height: el.scrollHeight, top: el.scrollTop, firstKey, lastKey, atBottom: atBottom(el) };
  }, [items, newFrom]);

  // A growing composer or a resized window must not push the newest message out of view.
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => {
      const snap = snapshot.current;
      if (snap?.atBottom === true) el.scrollTop = el.scrollHeight;
      if (snap !== undefined) snapshot.current = { ...snap, height: el.scrollHeight, top: el.scrollTop };
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Scroll to a message asked for (search result, quote, pin) and flash it.
  useHighlight(ref, items);

  const hasMore = c?.hasMoreBefore ?? false;
  const loading = c?.loadingOlder ?? false;
  useEffect(() => {
    const el = ref.current;
    if (el !== null && hasMore && !loading && el.scrollTop < LOAD_MARGIN) void controller.loadOlder(id);
  }, [items, hasMore, loading, controller, id]);

  const onScroll = () => {
    const el = ref.current;
    if (el === null) return;
    const snap = snapshot.current;
    if (snap !== undefined)
      snapshot.current = { ...snap, height: el.scrollHeight, top: el.scrollTop, atBottom: atBottom(el) };
    if (el.scrollTop < LOAD_MARGIN && hasMore && !loading) void controller.loadOlder(id);
  };

  const [gallery, setGallery] = useState<string | null>(null);
  const openImage = useCallback((fileId: string) => setGallery(fileId), []);
  const images = useMemo(
    () =>
      (messages ?? []).flatMap((m): FileContent[] =>
        m.content.type === 'file' && m.content.kind === 'image' ? [m.content] : [],
      ),
    [messages],
  );

  if (c === undefined) return null;
  const now = Date.now();
  return (
    <div className="message-scroll" ref={ref} onScroll={onScroll} tabIndex={0} role="log" aria-label="Messages">
      <div className="message-list">
        {hasMore || loading ? (
          <div className="history-status" aria-hidden={!loading}>
            {loading ? 'Loading older messages…' : ''}
          </div>
        ) : (
          items.length > 0 && <div className="history-start">This is the beginning of the conversation.</div>
        )}
        {/* One box per day: its label sticks only while that day is on screen, never on top of another. */}
        {byDay(items).map((day) => (
          <div key={day.key} className="day-group">
            {day.items.map((item) =>
              item.key === newFrom ? (
                <Fragment key={`new-${item.key}`}>
                  <div className="new-messages" role="separator" data-testid="new-messages">
                    <span>New messages</span>
                  </div>
                  {renderItem(item, c.conversation, users, me, now, openImage)}
                </Fragment>
              ) : (
                renderItem(item, c.conversation, users, me, now, openImage)
              ),
            )}
          </div>
        ))}
      </div>
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
    </div>
  );
}

/** The timeline cut at each day separator (the separator first in its day). */
function byDay(items: readonly TimelineItem[]): { key: string; items: TimelineItem[] }[] {
  const days: { key: string; items: TimelineItem[] }[] = [];
  for (const item of items) {
    const current = days[days.length - 1];
    if (item.kind === 'day' || current === undefined) days.push({ key: item.key, items: [item] });
    else current.items.push(item);
  }
  return days;
}

function renderItem(
  item: TimelineItem,
  conversation: Parameters<typeof MessageRow>[0]['conversation'],
  users: Parameters<typeof MessageRow>[0]['users'],
  me: string,
  now: number,
  onOpenImage: (fileId: string) => void,
) {
  switch (item.kind) {
    case 'day':
      return (
        <div key={item.key} className="day-separator" role="separator">
          <span>{dayLabel(item.at, now)}</span>
        </div>
      );
    case 'system':
      return (
        <div key={item.key} className="system-message" data-seq={item.message.seq}>
          <LineText line={systemLine(item.message, users, me)} />
        </div>
      );
    case 'pin': {
      const target = item.message.content.type === 'update' ? item.message.content.messageId : '';
      return (
        <div key={item.key} className="system-message" data-seq={item.message.seq} data-testid="pin-line">
          <LineText line={pinLine(item.message, users, me)} />
          <a href={routeHash({ kind: 'message', conversationId: item.message.conversationId, messageId: target })}>
            a message
          </a>
        </div>
      );
    }
    case 'message':
      return (
        <MessageRow
          key={item.key}
          message={item.message}
          conversation={conversation}
          users={users}
          me={me}
          first={item.first}
          last={item.last}
          onOpenImage={onOpenImage}
        />
      );
    case 'pending':
      return <PendingRow key={item.key} pending={item.pending} first={item.first} />;
  }
}
