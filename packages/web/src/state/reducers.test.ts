import type { Conversation, Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { initialState } from './app-state';
import {
  applyHistory,
  applyMessage,
  applyReceipt,
  applySummaries,
  contiguousStart,
  mergeMessages,
  orderedIds,
  upsertConversation,
} from './reducers';

const me = { id: 'u_me', username: 'me', displayName: 'Me', avatarUrl: null, statusText: null, createdAt: 1 };
const conv = (id: string, lastSeq = 0, lastActivityAt = 1): Conversation => ({
  id,
  kind: 'direct',
  title: null,
  createdAt: 1,
  lastSeq,
  lastActivityAt,
  members: [
    { userId: 'u_me', role: 'member', joinedAt: 1, readSeq: 0, deliveredSeq: 0 },
    { userId: 'u_bob', role: 'member', joinedAt: 1, readSeq: 0, deliveredSeq: 0 },
  ],
});
const msg = (seq: number, senderId = 'u_bob', conversationId = 'c1'): Message => ({
  id: `m${conversationId}${seq}`,
  conversationId,
  seq,
  senderId,
  clientId: `k${seq}`,
  createdAt: 1000 + seq,
  content: { type: 'text', text: `text ${seq}` },
});

describe('reducers', () => {
  it('merges by seq without duplicates', () => {
    expect(mergeMessages([msg(1), msg(3)], [msg(2), msg(3)]).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('finds the contiguous run that ends at the newest message', () => {
    expect(contiguousStart([msg(1), msg(2), msg(5), msg(6)])).toBe(2);
    expect(contiguousStart([msg(4), msg(5)])).toBe(0);
    expect(contiguousStart([])).toBe(0);
  });

  it('does not count twice what the sync summary already counted', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    s = applySummaries(s, [
      { conversation: conv('c1', 2, 5), lastMessage: msg(2), unreadCount: 2, readSeq: 0, deliveredSeq: 0 },
    ]);
    s = applyMessage(s, msg(1));
    s = applyMessage(s, msg(2));
    expect(s.conversations.c1?.unread).toBe(2);
    s = applyMessage(s, msg(3));
    expect(s.conversations.c1?.unread).toBe(3);
    s = applyMessage(s, msg(4, 'u_me'));
    expect(s.conversations.c1?.unread).toBe(3);
    s = applyReceipt(s, { conversationId: 'c1', userId: 'u_me', kind: 'read', seq: 4 });
    expect(s.conversations.c1?.unread).toBe(0);
  });

  it('drops the pending copy when the acked message arrives', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    s = { ...s, pending: [{ clientId: 'k1', conversationId: 'c1', text: 'text 1', createdAt: 1 }] };
    s = applyMessage(s, msg(1, 'u_me'));
    expect(s.pending).toEqual([]);
    expect(s.conversations.c1?.messages).toHaveLength(1);
  });

  it('knows whether older history exists from the first seq', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1', 10));
    s = applyHistory(s, 'c1', [msg(9), msg(10)], true, true);
    expect(s.conversations.c1?.hasMoreBefore).toBe(true);
    s = applyHistory(
      s,
      'c1',
      Array.from({ length: 8 }, (_, i) => msg(i + 1)),
      false,
      false,
    );
    expect(s.conversations.c1?.hasMoreBefore).toBe(false);
  });

  it('orders by activity and removes conversations the sync no longer lists', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1', 0, 1));
    s = upsertConversation(s, conv('c2', 0, 2));
    expect(orderedIds(s.conversations)).toEqual(['c2', 'c1']);
    s = applySummaries(s, [
      { conversation: conv('c1', 0, 1), lastMessage: null, unreadCount: 0, readSeq: 0, deliveredSeq: 0 },
    ]);
    expect(Object.keys(s.conversations)).toEqual(['c1']);
  });

  it('never moves receipt cursors back', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1', 3));
    s = applyReceipt(s, { conversationId: 'c1', userId: 'u_bob', kind: 'read', seq: 3 });
    s = upsertConversation(s, conv('c1', 3));
    expect(s.conversations.c1?.conversation.members[1]?.readSeq).toBe(3);
  });
});
