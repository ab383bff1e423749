import type { Conversation, ConversationSummary, Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { initialState } from './app-state';
import { favouriteOrder, withFavouriteOrder } from './favourites';
import {
  anyThreadUnread,
  applyBlock,
  applyHistory,
  applyMarkedUnread,
  applyMemberUpdate,
  applyMessage,
  applyThreadListings,
  applyThreadLoadingOlder,
  applyThreadPage,
  threadUnread,
  totalUnread,
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
  topic: null,
  description: null,
  visibility: 'private',
  postPolicy: 'everyone',
  slowModeSeconds: 0,
  avatarUrl: null,
  createdAt: 1,
  lastSeq,
  lastActivityAt,
  memberCount: 2,
  members: [
    { userId: 'u_me', role: 'member', joinedAt: 1, readSeq: 0, deliveredSeq: 0, mutedUntil: null },
    { userId: 'u_bob', role: 'member', joinedAt: 1, readSeq: 0, deliveredSeq: 0, mutedUntil: null },
  ],
});
const summary = (
  conversation: Conversation,
  lastMessage: Message | null,
  unreadCount: number,
): ConversationSummary => ({
  conversation,
  lastMessage,
  unreadCount,
  mentionCount: 0,
  readSeq: 0,
  deliveredSeq: 0,
  role: 'member',
  notifyLevel: 'all',
  markedUnread: false,
  mutedUntil: null,
  favouritePosition: null,
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
    s = applySummaries(s, [summary(conv('c1', 2, 5), msg(2), 2)]);
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
    s = applySummaries(s, [summary(conv('c1', 0, 1), null, 0)]);
    expect(Object.keys(s.conversations)).toEqual(['c1']);
  });

  it('never moves receipt cursors back', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1', 3));
    s = applyReceipt(s, { conversationId: 'c1', userId: 'u_bob', kind: 'read', seq: 3 });
    s = upsertConversation(s, conv('c1', 3));
    expect(s.conversations.c1?.conversation.members[1]?.readSeq).toBe(3);
  });

  const update = (
    seq: number,
    content: Extract<Message['content'], { type: 'update' }>,
    senderId = 'u_bob',
  ): Message => ({
    ...msg(seq, senderId),
    content,
  });

  it('drops the messages an expired entry lists (retention deleted them), and the preview with them', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    s = applyMessage(s, msg(1));
    s = applyMessage(s, msg(2));
    s = applyMessage(s, msg(3));
    s = applyMessage(
      s,
      update(4, { type: 'update', action: 'expired', messageId: 'mc11', messageIds: ['mc11', 'mc13'] }, 'server'),
    );
    expect(s.conversations.c1?.messages.map((m) => m.id)).toEqual(['mc12', 'mc14']);
    expect(s.conversations.c1?.lastMessage).toBeNull();
  });

  it('folds update entries into their targets and never shows them as rows or previews', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    s = applyMessage(s, msg(1));
    s = applyMessage(s, update(2, { type: 'update', action: 'edited', messageId: 'mc11', text: 'fixed' }));
    s = applyMessage(
      s,
      update(3, { type: 'update', action: 'reaction.added', messageId: 'mc11', emoji: '👍' }, 'u_me'),
    );
    const target = s.conversations.c1?.messages[0];
    expect(target?.content).toEqual({ type: 'text', text: 'fixed' });
    expect(target?.editedAt).toBeDefined();
    expect(target?.reactions).toEqual([{ emoji: '👍', count: 1, userIds: ['u_me'] }]);
    expect(target?.myReactions).toEqual(['👍']);
    expect(s.conversations.c1?.lastMessage?.content).toEqual({ type: 'text', text: 'fixed' });
    // Updates are not unread messages.
    expect(s.conversations.c1?.unread).toBe(1);
    s = applyMessage(s, update(4, { type: 'update', action: 'deleted', messageId: 'mc11' }));
    expect(s.conversations.c1?.messages[0]?.content).toEqual({ type: 'deleted' });
  });

  it('counts a file message as unread and folds a caption edit into it (the file stays)', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    const file: Message = {
      ...msg(1),
      content: { type: 'file', fileId: 'f1', name: 'a.png', size: 10, mime: 'image/png', kind: 'image' },
    };
    s = applyMessage(s, file);
    expect(s.conversations.c1?.unread).toBe(1);
    s = applyMessage(s, update(2, { type: 'update', action: 'edited', messageId: 'mc11', text: 'beach' }, 'u_bob'));
    expect(s.conversations.c1?.messages[0]?.content).toEqual({ ...file.content, caption: 'beach' });
    expect(s.conversations.c1?.lastMessage?.content).toMatchObject({ type: 'file', caption: 'beach' });
  });

  it('does not apply an update twice or to a newer copy (a history page already shows it)', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    const current: Message = { ...msg(1), rev: 3, reactions: [{ emoji: '🎉', count: 1, userIds: ['u_bob'] }] };
    s = applyHistory(s, 'c1', [current], false, true);
    s = applyMessage(s, update(2, { type: 'update', action: 'reaction.added', messageId: 'mc11', emoji: '🎉' }));
    expect(s.conversations.c1?.messages.find((m) => m.seq === 1)?.reactions).toEqual(current.reactions);
    // An older copy of the same message from a late history page does not replace the newer one.
    s = applyHistory(s, 'c1', [msg(1)], false, false);
    expect(s.conversations.c1?.messages.find((m) => m.seq === 1)?.rev).toBe(3);
  });

  it('keeps thread replies out of unread counts and counts them on the root and in the thread', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    s = applyMessage(s, msg(1, 'u_me'));
    s = applyThreadPage(s, 'c1', 'mc11', [], undefined);
    s = applyMessage(s, { ...msg(2), threadId: 'mc11' });
    const c = s.conversations.c1;
    expect(c?.unread).toBe(0);
    expect(c?.lastMessage?.seq).toBe(1);
    expect(c?.messages[0]?.thread).toMatchObject({ replyCount: 1, lastReplySeq: 2, participantIds: ['u_me', 'u_bob'] });
    expect(s.threads.mc11?.replies.map((m) => m.seq)).toEqual([2]);
    expect(s.threads.mc11?.root?.thread?.replyCount).toBe(1);
    // I started the thread: a reply from someone else makes it unread for me.
    const root = c?.messages[0];
    expect(root !== undefined && threadUnread(s, root)).toBe(true);
    expect(anyThreadUnread(s)).toBe(true);
    s = applyThreadListings(s, [{ root: root ?? msg(1), unreadCount: 0, readSeq: 2 }]);
    expect(root !== undefined && threadUnread(s, root)).toBe(false);
    expect(anyThreadUnread(s)).toBe(false);
    // A thread listed but not in the loaded history keeps its root for the pane.
    const far: Message = {
      ...msg(90, 'u_bob', 'c1'),
      id: 'far',
      thread: { replyCount: 2, lastReplyAt: 1, lastReplySeq: 95, participantIds: ['u_bob', 'u_me'] },
    };
    s = applyThreadListings(s, [{ root: far, unreadCount: 1, readSeq: 94 }]);
    expect(s.threads.far?.root?.id).toBe('far');
    expect(anyThreadUnread(s)).toBe(true);
  });

  it('follows a thread I never opened once a reply in it mentions me', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    s = applyMessage(s, msg(1, 'u_bob'));
    s = applyMessage(s, { ...msg(2, 'u_bob'), threadId: 'mc11' });
    expect(anyThreadUnread(s)).toBe(false);
    s = applyMessage(s, {
      ...msg(3, 'u_bob'),
      threadId: 'mc11',
      mentions: { userIds: ['u_me'], here: false, channel: false },
    });
    const root = s.conversations.c1?.messages[0];
    expect(s.threadReads.mc11).toBe(2);
    expect(root !== undefined && threadUnread(s, root)).toBe(true);
    expect(anyThreadUnread(s)).toBe(true);
  });

  it('counts mentions apart from unread, and the title badge follows the notification level', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    s = applyMessage(s, { ...msg(1), mentions: { userIds: ['u_me'], here: false, channel: false } });
    s = applyMessage(s, msg(2));
    s = applyMessage(s, { ...msg(3), threadId: 'mc11', mentions: { userIds: [], here: false, channel: true } });
    expect(s.conversations.c1?.unread).toBe(2);
    expect(s.conversations.c1?.mentions).toBe(2);
    expect(totalUnread(s.conversations)).toBe(2);
    s = applyMemberUpdate(s, { conversationId: 'c1', notifyLevel: 'muted' });
    expect(totalUnread(s.conversations)).toBe(0);
    s = applyReceipt(s, { conversationId: 'c1', userId: 'u_me', kind: 'read', seq: 3 });
    expect(s.conversations.c1?.mentions).toBe(0);
  });

  it('keeps my favourites in the order the server gives, live and after a sync', () => {
    let s = initialState(me, 'online');
    for (const id of ['c1', 'c2', 'c3']) s = upsertConversation(s, conv(id));
    expect(favouriteOrder(s.conversations)).toEqual([]);
    s = applySummaries(s, [
      { ...summary(conv('c1'), null, 0), favouritePosition: 1 },
      { ...summary(conv('c2'), null, 0), favouritePosition: null },
      { ...summary(conv('c3'), null, 0), favouritePosition: 0 },
    ]);
    expect(favouriteOrder(s.conversations)).toEqual(['c3', 'c1']);
    // Another device moved c2 first: one event per place that changed.
    s = applyMemberUpdate(s, { conversationId: 'c2', favouritePosition: 0 });
    s = applyMemberUpdate(s, { conversationId: 'c3', favouritePosition: 1 });
    s = applyMemberUpdate(s, { conversationId: 'c1', favouritePosition: 2 });
    expect(favouriteOrder(s.conversations)).toEqual(['c2', 'c3', 'c1']);
    // An event about something else leaves the place alone.
    s = applyMemberUpdate(s, { conversationId: 'c2', notifyLevel: 'muted' });
    expect(s.conversations.c2?.favouritePosition).toBe(0);
    // The order shown at once for a local move, before the server confirms it.
    s = withFavouriteOrder(s, ['c1', 'c2']);
    expect(favouriteOrder(s.conversations)).toEqual(['c1', 'c2']);
    expect(s.conversations.c3?.favouritePosition).toBeNull();
  });

  it('counts no mention from someone I blocked (as the server does), but their messages as unread', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    s = applyBlock(s, 'u_pest', true);
    expect(applyBlock(s, 'u_pest', true)).toBe(s);
    const here = { userIds: [], here: true, channel: false };
    s = applyMessage(s, { ...msg(1, 'u_pest'), mentions: { userIds: ['u_me'], here: false, channel: false } });
    s = applyMessage(s, { ...msg(2, 'u_pest'), mentions: here });
    s = applyMessage(s, { ...msg(3), mentions: here });
    expect(s.conversations.c1?.unread).toBe(3);
    expect(s.conversations.c1?.mentions).toBe(1);
    // Reading part of it recounts, still without theirs.
    s = applyReceipt(s, { conversationId: 'c1', userId: 'u_me', kind: 'read', seq: 1 });
    expect(s.conversations.c1?.mentions).toBe(1);
    s = applyBlock(s, 'u_pest', false);
    expect(s.blocked).toEqual([]);
  });

  it('marks a conversation unread from a message, and reading clears it', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    for (const seq of [1, 2, 3]) s = applyMessage(s, msg(seq));
    s = applyReceipt(s, { conversationId: 'c1', userId: 'u_me', kind: 'read', seq: 3 });
    s = applyMarkedUnread(s, 'c1', 2);
    expect(s.conversations.c1).toMatchObject({ unread: 2, markedUnread: true });
    s = applyReceipt(s, { conversationId: 'c1', userId: 'u_me', kind: 'read', seq: 3 });
    expect(s.conversations.c1).toMatchObject({ unread: 0, markedUnread: false });
  });

  it('follows system changes about me: muted until, unmuted, my role', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    const sys = (seq: number, content: Extract<Message['content'], { type: 'system' }>): Message => ({
      ...msg(seq),
      content,
    });
    s = applyMessage(s, sys(1, { type: 'system', action: 'member.muted', userIds: ['u_me'], until: 5000 }));
    expect(s.conversations.c1?.mutedUntil).toBe(5000);
    s = applyMessage(s, sys(2, { type: 'system', action: 'member.unmuted', userIds: ['u_me'] }));
    expect(s.conversations.c1?.mutedUntil).toBeNull();
    s = applyMessage(s, sys(3, { type: 'system', action: 'member.role', userIds: ['u_me'], role: 'moderator' }));
    expect(s.conversations.c1?.role).toBe('moderator');
    s = applyMessage(s, sys(4, { type: 'system', action: 'member.muted', userIds: ['u_bob'], until: 9000 }));
    expect(s.conversations.c1?.mutedUntil).toBeNull();
  });
});

describe('thread pages', () => {
  const reply = (seq: number) => ({ ...msg(seq), threadId: 'mc11' });
  const seqs = (s: ReturnType<typeof initialState>) => s.threads.mc11?.replies.map((m) => m.seq);

  it('prepends older replies before the newest page and keeps hasMore per thread', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    s = applyThreadPage(s, 'c1', 'mc11', [reply(5), reply(6), reply(7)], undefined, true);
    expect(seqs(s)).toEqual([5, 6, 7]);
    expect(s.threads.mc11).toMatchObject({ loaded: true, hasMoreBefore: true, loadingOlder: false });
    s = applyThreadLoadingOlder(s, 'mc11', true);
    expect(s.threads.mc11?.loadingOlder).toBe(true);
    // The older page (ascending), with a duplicate at its edge: merged in order, once each.
    s = applyThreadPage(s, 'c1', 'mc11', [reply(2), reply(3), reply(5)], undefined, true);
    expect(seqs(s)).toEqual([2, 3, 5, 6, 7]);
    expect(s.threads.mc11).toMatchObject({ hasMoreBefore: true, loadingOlder: false });
    s = applyThreadPage(s, 'c1', 'mc11', [reply(1)], undefined, false);
    expect(seqs(s)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(s.threads.mc11?.hasMoreBefore).toBe(false);
    // A live reply goes at the end; another thread keeps its own state.
    s = applyMessage(s, reply(8));
    expect(seqs(s)).toEqual([1, 2, 3, 5, 6, 7, 8]);
    s = applyThreadPage(s, 'c1', 'other', [{ ...msg(9), threadId: 'other' }], undefined, true);
    expect(s.threads.other?.hasMoreBefore).toBe(true);
    expect(s.threads.mc11?.hasMoreBefore).toBe(false);
  });

  it('keeps hasMore when only the root arrives, and a failed page stops loading', () => {
    let s = upsertConversation(initialState(me, 'online'), conv('c1'));
    s = applyThreadPage(s, 'c1', 'mc11', [reply(4)], undefined, true);
    expect(s.threads.mc11?.root).toBeUndefined();
    s = applyThreadPage(s, 'c1', 'mc11', [], msg(1));
    expect(s.threads.mc11?.root?.id).toBe('mc11');
    expect(s.threads.mc11).toMatchObject({ hasMoreBefore: true });
    expect(seqs(s)).toEqual([4]);
    s = applyThreadLoadingOlder(s, 'mc11', true);
    s = applyThreadLoadingOlder(s, 'mc11', false);
    expect(s.threads.mc11?.loadingOlder).toBe(false);
    // Nothing to mark for a thread not held.
    expect(applyThreadLoadingOlder(s, 'unknown', true)).toBe(s);
  });
});
