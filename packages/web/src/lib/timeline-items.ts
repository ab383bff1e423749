/**
 * Turns a conversation's messages into the rows the chat view renders: day
 * separators between calendar days, and sender grouping (consecutive messages of
 * one sender within a few minutes share one header and a tighter gap). Update
 * entries are folded into their targets, and only a pin is also a row of its own
 * ("Ada pinned a message", linking to it). Pure.
 */
import type { Message } from '@parley/protocol';
import { daysBetween } from './format-time';

/** Messages of one sender closer than this are grouped. */
export const GROUP_GAP_MS = 5 * 60_000;

export interface PendingItem {
  clientId: string;
  conversationId: string;
  text: string;
  createdAt: number;
  failed?: string;
  /** The message this one quotes. */
  replyTo?: string;
  /** The thread (root message id) this reply goes to. */
  threadId?: string;
  /** false: sent without link previews. */
  linkPreviews?: false;
}

/** An update entry that pins a message: the timeline shows it as a line of its own. */
export function isPinEntry(message: Message): boolean {
  return message.content.type === 'update' && message.content.action === 'pinned';
}

/**
 * Entries the main timeline shows: top-level messages, system changes and pins (not other
 * update entries, not thread replies).
 */
export function isTimelineEntry(message: Message): boolean {
  return (message.content.type !== 'update' || isPinEntry(message)) && message.threadId === undefined;
}

export type TimelineItem =
  | { kind: 'day'; key: string; at: number }
  | { kind: 'system'; key: string; message: Message }
  /** Someone pinned a message: `message` is the update entry (its content names the target). */
  | { kind: 'pin'; key: string; message: Message }
  | {
      kind: 'message';
      key: string;
      message: Message;
      /** First of a run by one sender: shows the sender's name (in groups) and more space above. */
      first: boolean;
      /** Last of a run: shows the avatar (in groups) and the bubble's tail. */
      last: boolean;
    }
  | { kind: 'pending'; key: string; pending: PendingItem; first: boolean };

export function buildTimeline(
  messages: readonly Message[],
  pending: readonly PendingItem[],
  me: string,
): TimelineItem[] {
  const items: TimelineItem[] = [];
  let prevAt: number | undefined;
  let prevSender: string | undefined;
  const dayBreak = (at: number) => {
    if (prevAt === undefined || daysBetween(prevAt, at) !== 0) {
      items.push({ kind: 'day', key: `day-${at}`, at });
      prevSender = undefined;
    }
  };
  for (const message of messages) {
    if (message.content.type === 'update' && !isPinEntry(message)) continue;
    dayBreak(message.createdAt);
    if (message.content.type === 'update') {
      items.push({ kind: 'pin', key: message.id, message });
      prevSender = undefined;
    } else if (message.content.type === 'system') {
      items.push({ kind: 'system', key: message.id, message });
      prevSender = undefined;
    } else {
      const first =
        prevSender !== message.senderId || prevAt === undefined || message.createdAt - prevAt > GROUP_GAP_MS;
      const prev = items[items.length - 1];
      if (first && prev?.kind === 'message') prev.last = true;
      items.push({ kind: 'message', key: message.id, message, first, last: true });
      if (!first && prev?.kind === 'message') prev.last = false;
      prevSender = message.senderId;
    }
    prevAt = message.createdAt;
  }
  for (const entry of pending) {
    dayBreak(entry.createdAt);
    const first = prevSender !== me;
    const prev = items[items.length - 1];
    if (!first && prev?.kind === 'message') prev.last = false;
    items.push({ kind: 'pending', key: `pending-${entry.clientId}`, pending: entry, first });
    prevSender = me;
    prevAt = entry.createdAt;
  }
  return items;
}

/**
 * The row before which a "New messages" line goes: the oldest of the last `unread` messages
 * from others (what the unread count counted), or undefined when nothing is unread.
 */
export function firstUnreadKey(items: readonly TimelineItem[], unread: number, me: string): string | undefined {
  if (unread <= 0) return undefined;
  let seen = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    const type = item?.kind === 'message' ? item.message.content.type : undefined;
    if (item?.kind !== 'message' || item.message.senderId === me || (type !== 'text' && type !== 'call')) continue;
    seen += 1;
    if (seen === unread) return item.key;
  }
  return undefined;
}
