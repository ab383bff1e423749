import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { buildTimeline, firstUnreadKey, isTimelineEntry } from './timeline-items';

const msg = (seq: number, senderId: string, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  senderId,
  clientId: `k${seq}`,
  createdAt: 1_700_000_000_000 + seq * 1000,
  content: { type: 'text', text: `t${seq}` },
  ...extra,
});

describe('timeline items', () => {
  it('never shows update entries or thread replies as rows', () => {
    const update = msg(3, 'u2', { content: { type: 'update', action: 'edited', messageId: 'm1', text: 'x' } });
    const reply = msg(4, 'u2', { threadId: 'm1' });
    const list = [msg(1, 'u1'), msg(2, 'u2'), update, reply].filter(isTimelineEntry);
    const rows = buildTimeline(list, [], 'u1').filter((i) => i.kind === 'message');
    expect(rows.map((r) => r.key)).toEqual(['m1', 'm2']);
    expect(buildTimeline([msg(1, 'u1'), update], [], 'u1').filter((i) => i.kind === 'message')).toHaveLength(1);
  });

  it('shows a pin as a line of its own, and never an unpin', () => {
    const pin = msg(3, 'u2', { content: { type: 'update', action: 'pinned', messageId: 'm1' } });
    const unpin = msg(4, 'u2', { content: { type: 'update', action: 'unpinned', messageId: 'm1' } });
    const list = [msg(1, 'u1'), msg(2, 'u2'), pin, unpin].filter(isTimelineEntry);
    const rows = buildTimeline(list, [], 'u1').filter((i) => i.kind !== 'day');
    expect(rows.map((r) => `${r.kind}:${r.key}`)).toEqual(['message:m1', 'message:m2', 'pin:m3']);
  });

  it('puts "New messages" before the oldest unread message from others', () => {
    const items = buildTimeline([msg(1, 'u2'), msg(2, 'u2'), msg(3, 'me'), msg(4, 'u2')], [], 'me');
    expect(firstUnreadKey(items, 2, 'me')).toBe('m2');
    expect(firstUnreadKey(items, 1, 'me')).toBe('m4');
    expect(firstUnreadKey(items, 0, 'me')).toBeUndefined();
    expect(firstUnreadKey(items, 9, 'me')).toBeUndefined();
  });
});
