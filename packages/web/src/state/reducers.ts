/**
 * Pure state transitions for the events the SDK reports (messages, conversation
 * summaries, receipts, typing, presence) and for history pages. No I/O, no
 * timers: the controller calls these and decides what to fetch.
 */
import type { Conversation, ConversationSummary, EventData, Message, ThreadListing } from '@parley/protocol';
import { applyQuoteDeletion, applyThreadReply, applyUpdate, expiredMessageIds } from '@parley/sdk';
import { mentionsMe } from '../lib/mentions';
import type { AppState, ConversationState, ThreadState } from './app-state';

/** The revision a copy of a message shows: the seq of the last update applied to it. */
const revision = (m: Message) => m.rev ?? m.seq;

/**
 * Merges messages by seq, ascending. Of two copies of one seq the later wins, unless it
 * shows an older revision (a history page fetched before an update that arrived live).
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const bySeq = new Map<number, Message>();
  for (const m of existing) bySeq.set(m.seq, m);
  for (const m of incoming) {
    const held = bySeq.get(m.seq);
    if (held === undefined || revision(m) >= revision(held)) bySeq.set(m.seq, m);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** A text or a file: what counts as unread and for slow mode, as the server counts them. */
function isPost(m: Message): boolean {
  return m.content.type === 'text' || m.content.type === 'file';
}

/** True for a text or file message from someone else at the top level (what unread counts count). */
function countsAsUnread(m: Message, me: string): boolean {
  // A call record counts too (a missed call is unread), as the server counts it.
  return m.senderId !== me && (isPost(m) || m.content.type === 'call') && m.threadId === undefined;
}

/** A post that mentions me (me, @here or @channel), unless I blocked its sender: as the server counts mentions. */
function countsAsMention(m: Message, state: AppState): boolean {
  return isPost(m) && mentionsMe(m, state.me.id) && !state.blocked.includes(m.senderId);
}

/** I blocked (or unblocked) someone, here or on another device. */
export function applyBlock(state: AppState, userId: string, blocked: boolean): AppState {
  const has = state.blocked.includes(userId);
  if (has === blocked) return state;
  return { ...state, blocked: blocked ? [...state.blocked, userId] : state.blocked.filter((id) => id !== userId) };
}

/** Folds an update entry into its target (the SDK's applyUpdate: only when newer than the target's revision). */
export function foldUpdate(target: Message, update: Message, me: string): Message {
  return applyUpdate(target, update, { me });
}

/** Applies an update entry to the copy of its target in a list, and empties quotes of a deleted message. */
function foldInto(list: readonly Message[], update: Message, me: string): readonly Message[] {
  if (update.content.type !== 'update') return list;
  const expired = new Set(expiredMessageIds(update));
  // Retention deleted them for good: they leave the list (a history page would not have them either).
  if (expired.size > 0) return list.some((m) => expired.has(m.id)) ? list.filter((m) => !expired.has(m.id)) : list;
  const id = update.content.messageId;
  const deleted = update.content.action === 'deleted';
  let copy: Message[] | undefined;
  list.forEach((m, i) => {
    const next = m.id === id ? foldUpdate(m, update, me) : deleted ? applyQuoteDeletion(m, update) : m;
    if (next === m) return;
    copy ??= [...list];
    copy[i] = next;
  });
  return copy ?? list;
}

/** A thread reply arrived: the root's summary counts it (once: by the reply's seq). */
export function bumpThread(root: Message, reply: Message): Message {
  return applyThreadReply(root, reply);
}

function replaceById(list: readonly Message[], id: string, fn: (m: Message) => Message): readonly Message[] {
  const index = list.findIndex((m) => m.id === id);
  const found = list[index];
  if (found === undefined) return list;
  const next = fn(found);
  if (next === found) return list;
  const copy = [...list];
  copy[index] = next;
  return copy;
}

/**
 * Index where the run of consecutive seqs that ends at the newest message starts.
 * The chat view shows only that run, so a hole in what we hold is never shown as
 * if nothing were missing; scrolling up fills it from history.
 */
export function contiguousStart(messages: readonly Message[]): number {
  let i = messages.length - 1;
  while (i > 0) {
    const here = messages[i];
    const before = messages[i - 1];
    if (here === undefined || before === undefined || before.seq !== here.seq - 1) break;
    i -= 1;
  }
  return Math.max(0, i);
}

export function newConversationState(conversation: Conversation, me = ''): ConversationState {
  return {
    conversation,
    lastMessage: null,
    unread: 0,
    mentions: 0,
    notifyLevel: 'all',
    markedUnread: false,
    favouritePosition: null,
    role: conversation.members.find((m) => m.userId === me)?.role,
    mutedUntil: null,
    lastPostAt: 0,
    countedThrough: conversation.lastSeq,
    messages: [],
    opened: false,
    hasMoreBefore: conversation.lastSeq > 0,
    loadingOlder: false,
  };
}

function withConversation(state: AppState, id: string, next: ConversationState): AppState {
  return { ...state, conversations: { ...state.conversations, [id]: next } };
}

/** A conversation was created, joined, renamed or changed members: keep our per-conversation data. */
export function upsertConversation(state: AppState, conversation: Conversation): AppState {
  const current = state.conversations[conversation.id];
  if (current === undefined)
    return withConversation(state, conversation.id, newConversationState(conversation, state.me.id));
  // Receipt cursors only move forward; a stale copy must not move them back.
  const members = conversation.members.map((m) => {
    const old = current.conversation.members.find((o) => o.userId === m.userId);
    return old === undefined
      ? m
      : { ...m, readSeq: Math.max(m.readSeq, old.readSeq), deliveredSeq: Math.max(m.deliveredSeq, old.deliveredSeq) };
  });
  const merged: Conversation = {
    ...conversation,
    members,
    lastSeq: Math.max(conversation.lastSeq, current.conversation.lastSeq),
    lastActivityAt: Math.max(conversation.lastActivityAt, current.conversation.lastActivityAt),
  };
  // Direct and group conversations list their members: my role is there. Channels do not.
  const role =
    conversation.kind === 'channel'
      ? current.role
      : (members.find((m) => m.userId === state.me.id)?.role ?? current.role);
  return withConversation(state, conversation.id, { ...current, conversation: merged, role });
}

export function removeConversation(state: AppState, id: string): AppState {
  if (!(id in state.conversations)) return state;
  const conversations = { ...state.conversations };
  delete conversations[id];
  const active = state.activeId === id;
  return { ...state, conversations, activeId: active ? null : state.activeId, panel: active ? null : state.panel };
}

/** The server's list after a (re)sync: authoritative for membership, last message and unread counts. */
export function applySummaries(state: AppState, summaries: readonly ConversationSummary[]): AppState {
  let next: AppState = { ...state, listLoaded: true };
  const seen = new Set<string>();
  for (const summary of summaries) {
    seen.add(summary.conversation.id);
    next = upsertConversation(next, summary.conversation);
    const current = next.conversations[summary.conversation.id];
    if (current === undefined) continue;
    const lastMessage =
      summary.lastMessage !== null && summary.lastMessage.seq >= (current.lastMessage?.seq ?? 0)
        ? summary.lastMessage
        : current.lastMessage;
    next = withConversation(next, summary.conversation.id, {
      ...current,
      lastMessage,
      unread: summary.unreadCount,
      mentions: summary.mentionCount,
      notifyLevel: summary.notifyLevel,
      markedUnread: summary.markedUnread,
      favouritePosition: summary.favouritePosition,
      role: summary.role,
      mutedUntil: summary.mutedUntil,
      countedThrough: Math.max(summary.conversation.lastSeq, current.countedThrough),
    });
  }
  for (const id of Object.keys(next.conversations)) if (!seen.has(id)) next = removeConversation(next, id);
  return next;
}

/**
 * An entry the SDK delivered (exactly once, in order), own ones included: a message, a
 * system change, a thread reply (kept out of the main timeline, counted on its root) or an
 * update entry (folded into its target wherever a copy of it is held).
 */
export function applyMessage(state: AppState, message: Message): AppState {
  const current = state.conversations[message.conversationId];
  if (current === undefined) return state;
  const me = state.me.id;
  const mine = message.senderId === me;
  const fresh = message.seq > current.countedThrough;
  const conversation: Conversation = {
    ...current.conversation,
    lastSeq: Math.max(current.conversation.lastSeq, message.seq),
    lastActivityAt:
      message.content.type === 'update'
        ? current.conversation.lastActivityAt
        : Math.max(current.conversation.lastActivityAt, message.createdAt),
  };
  let messages = mergeMessages(current.messages, [message]) as readonly Message[];
  let lastMessage = current.lastMessage;
  let threads = state.threads;
  if (message.content.type === 'update') {
    messages = foldInto(messages, message, me);
    if (lastMessage !== null && expiredMessageIds(message).includes(lastMessage.id)) lastMessage = null;
    else if (lastMessage !== null && lastMessage.id === message.content.messageId)
      lastMessage = foldUpdate(lastMessage, message, me);
    threads = foldIntoThreads(threads, message, me);
  } else if (message.threadId !== undefined) {
    const rootId = message.threadId;
    messages = replaceById(messages, rootId, (root) => bumpThread(root, message));
    threads = withReply(threads, message);
  } else if (message.seq >= (lastMessage?.seq ?? 0)) {
    lastMessage = message;
  }
  let next = withConversation(state, message.conversationId, {
    ...current,
    conversation,
    messages,
    lastMessage,
    unread: fresh && countsAsUnread(message, me) ? current.unread + 1 : current.unread,
    mentions: fresh && countsAsMention(message, state) ? current.mentions + 1 : current.mentions,
    lastPostAt: mine && isPost(message) ? Math.max(current.lastPostAt, message.createdAt) : current.lastPostAt,
    countedThrough: Math.max(current.countedThrough, message.seq),
  });
  if (threads !== state.threads) next = { ...next, threads };
  if (message.threadId !== undefined && !mine) next = noteThreadReply(next, message);
  if (message.content.type === 'system' && fresh) next = applyMySeat(next, message);
  if (mine) next = { ...next, pending: next.pending.filter((p) => p.clientId !== message.clientId) };
  // A message ends its sender's typing indicator.
  const typing = next.typing[message.conversationId];
  if (typing?.[message.senderId] !== undefined) next = setTyping(next, message.conversationId, message.senderId, 0);
  return next;
}

/**
 * A system change about me: a moderator muted or unmuted me, or my role changed (channels do not
 * list their members, so the role comes from here).
 */
function applyMySeat(state: AppState, message: Message): AppState {
  const content = message.content;
  const current = state.conversations[message.conversationId];
  if (content.type !== 'system' || current === undefined || !(content.userIds ?? []).includes(state.me.id))
    return state;
  switch (content.action) {
    case 'member.muted':
      return withConversation(state, message.conversationId, { ...current, mutedUntil: content.until ?? null });
    case 'member.unmuted':
      return withConversation(state, message.conversationId, { ...current, mutedUntil: null });
    case 'member.role':
      return content.role === undefined
        ? state
        : withConversation(state, message.conversationId, { ...current, role: content.role });
    default:
      return state;
  }
}

function foldIntoThreads(
  threads: Readonly<Record<string, ThreadState>>,
  update: Message,
  me: string,
): Readonly<Record<string, ThreadState>> {
  if (update.content.type !== 'update') return threads;
  const target = update.content.messageId;
  let next = threads;
  for (const [rootId, thread] of Object.entries(threads)) {
    if (thread.conversationId !== update.conversationId) continue;
    const gone = thread.root !== undefined && expiredMessageIds(update).includes(thread.root.id);
    const root =
      gone || thread.root === undefined
        ? undefined
        : thread.root.id === target
          ? foldUpdate(thread.root, update, me)
          : thread.root;
    const replies = foldInto(thread.replies, update, me);
    if (root !== thread.root || replies !== thread.replies) next = { ...next, [rootId]: { ...thread, root, replies } };
  }
  return next;
}

function withReply(
  threads: Readonly<Record<string, ThreadState>>,
  reply: Message,
): Readonly<Record<string, ThreadState>> {
  const rootId = reply.threadId;
  if (rootId === undefined) return threads;
  const thread = threads[rootId];
  if (thread === undefined) return threads;
  return {
    ...threads,
    [rootId]: {
      ...thread,
      root: thread.root === undefined ? undefined : bumpThread(thread.root, reply),
      replies: mergeMessages(thread.replies, [reply]),
    },
  };
}

/** Someone replied in a thread: if I take part in it, its unread marker needs a read cursor to compare with. */
function noteThreadReply(state: AppState, reply: Message): AppState {
  const rootId = reply.threadId;
  if (rootId === undefined || state.threadReads[rootId] !== undefined) return state;
  const root =
    state.threads[rootId]?.root ?? state.conversations[reply.conversationId]?.messages.find((m) => m.id === rootId);
  if (root === undefined) return state;
  const me = state.me.id;
  // A reply that mentions me makes me follow the thread, as the server does.
  const mentioned = (reply.mentions?.userIds ?? []).includes(me);
  const takesPart = root.senderId === me || (root.thread?.participantIds ?? []).includes(me) || mentioned;
  if (!takesPart) return state;
  return { ...state, threadReads: { ...state.threadReads, [rootId]: reply.seq - 1 } };
}

/**
 * A page of a thread's replies (ascending), with its root when known: the newest page
 * or an older one (scrolling up), merged with the replies held. `hasMore` (older
 * replies exist before this page) is kept when not given (a root alone).
 */
export function applyThreadPage(
  state: AppState,
  conversationId: string,
  rootId: string,
  replies: readonly Message[],
  root: Message | undefined,
  hasMore?: boolean,
): AppState {
  const held = state.threads[rootId];
  const fromTimeline = state.conversations[conversationId]?.messages.find((m) => m.id === rootId);
  const base: ThreadState = held ?? emptyThread(conversationId);
  return {
    ...state,
    threads: {
      ...state.threads,
      [rootId]: {
        ...base,
        root: pickNewer(pickNewer(base.root, root), fromTimeline),
        replies: mergeMessages(base.replies, replies),
        loaded: true,
        hasMoreBefore: hasMore ?? base.hasMoreBefore,
        loadingOlder: false,
      },
    },
  };
}

/** A page of older replies was asked for (or the request failed: `loading` false again). */
export function applyThreadLoadingOlder(state: AppState, rootId: string, loading: boolean): AppState {
  const held = state.threads[rootId];
  if (held === undefined || held.loadingOlder === loading) return state;
  return { ...state, threads: { ...state.threads, [rootId]: { ...held, loadingOlder: loading } } };
}

function emptyThread(conversationId: string): ThreadState {
  return { conversationId, root: undefined, replies: [], loaded: false, hasMoreBefore: false, loadingOlder: false };
}

function pickNewer(a: Message | undefined, b: Message | undefined): Message | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const ra = Math.max(revision(a), a.thread?.lastReplySeq ?? 0);
  const rb = Math.max(revision(b), b.thread?.lastReplySeq ?? 0);
  return rb >= ra ? b : a;
}

/** The threads I take part in, with my read cursor in each. */
export function applyThreadListings(state: AppState, listings: readonly ThreadListing[]): AppState {
  if (listings.length === 0) return state;
  const threadReads = { ...state.threadReads };
  let threads = state.threads;
  for (const listing of listings) {
    threadReads[listing.root.id] = Math.max(listing.readSeq, state.threadReads[listing.root.id] ?? 0);
    // Keep the root, so that a thread opened from the list shows it even when its page of history is not loaded.
    const held: ThreadState = threads[listing.root.id] ?? emptyThread(listing.root.conversationId);
    threads = { ...threads, [listing.root.id]: { ...held, root: pickNewer(held.root, listing.root) } };
  }
  return { ...state, threadReads, threads };
}

/** I read a thread up to `seq` (here or on another device). */
export function applyThreadRead(state: AppState, rootId: string, seq: number): AppState {
  if ((state.threadReads[rootId] ?? -1) >= seq) return state;
  return { ...state, threadReads: { ...state.threadReads, [rootId]: seq } };
}

/** The thread under a root has replies I have not read. */
export function threadUnread(state: AppState, root: Message): boolean {
  const read = state.threadReads[root.id];
  return read !== undefined && (root.thread?.lastReplySeq ?? 0) > read;
}

/** My own per-conversation state changed on another device. */
export function applyMemberUpdate(state: AppState, data: EventData<'member.updated'>): AppState {
  const current = state.conversations[data.conversationId];
  let next = state;
  if (current !== undefined) {
    next = withConversation(next, data.conversationId, {
      ...current,
      notifyLevel: data.notifyLevel ?? current.notifyLevel,
      markedUnread: data.markedUnread ?? current.markedUnread,
      favouritePosition: data.favouritePosition === undefined ? current.favouritePosition : data.favouritePosition,
    });
  }
  if (data.thread !== undefined) next = applyThreadRead(next, data.thread.threadId, data.thread.readSeq);
  return next;
}

/** I marked a conversation unread from `seq`: count what I see from there as unread again. */
export function applyMarkedUnread(state: AppState, conversationId: string, seq: number): AppState {
  const current = state.conversations[conversationId];
  if (current === undefined) return state;
  const unread = current.messages.filter((m) => m.seq >= seq && countsAsUnread(m, state.me.id)).length;
  return withConversation(state, conversationId, { ...current, markedUnread: true, unread: Math.max(unread, 1) });
}

/** A history page (older or newest) for a conversation. */
export function applyHistory(
  state: AppState,
  conversationId: string,
  messages: readonly Message[],
  hasMore: boolean,
  newest: boolean,
): AppState {
  const current = state.conversations[conversationId];
  if (current === undefined) return state;
  const merged = mergeMessages(current.messages, messages);
  const first = merged[contiguousStart(merged)];
  return withConversation(state, conversationId, {
    ...current,
    messages: merged,
    opened: current.opened || newest,
    loadingOlder: false,
    // Seqs start at 1 without gaps (P4): the run's first seq says whether anything is older.
    hasMoreBefore: first === undefined ? hasMore && messages.length > 0 : first.seq > 1,
  });
}

/** A member's read or delivered cursor moved (mine too, from another device). */
export function applyReceipt(
  state: AppState,
  receipt: { conversationId: string; userId: string; kind: 'delivered' | 'read'; seq: number },
): AppState {
  const current = state.conversations[receipt.conversationId];
  if (current === undefined) return state;
  const members = current.conversation.members.map((m) => {
    if (m.userId !== receipt.userId) return m;
    const deliveredSeq = Math.max(m.deliveredSeq, receipt.seq);
    return receipt.kind === 'read'
      ? { ...m, readSeq: Math.max(m.readSeq, receipt.seq), deliveredSeq }
      : { ...m, deliveredSeq };
  });
  let { unread, mentions, markedUnread } = current;
  if (receipt.userId === state.me.id && receipt.kind === 'read') {
    const after = current.messages.filter((m) => m.seq > receipt.seq);
    const all = receipt.seq >= current.conversation.lastSeq;
    unread = all ? 0 : Math.min(unread, after.filter((m) => countsAsUnread(m, state.me.id)).length);
    mentions = all ? 0 : Math.min(mentions, after.filter((m) => countsAsMention(m, state)).length);
    markedUnread = false;
  }
  return withConversation(state, receipt.conversationId, {
    ...current,
    unread,
    mentions,
    markedUnread,
    conversation: { ...current.conversation, members },
  });
}

/** Starts (`until` in the future) or clears (`until` 0) a typing indicator. */
export function setTyping(state: AppState, conversationId: string, userId: string, until: number): AppState {
  const current = state.typing[conversationId] ?? {};
  if (until === 0 && current[userId] === undefined) return state;
  const next = { ...current };
  if (until === 0) delete next[userId];
  else next[userId] = until;
  return { ...state, typing: { ...state.typing, [conversationId]: next } };
}

/** Drops typing indicators that expired by `now`. */
export function expireTyping(state: AppState, now: number): AppState {
  let next = state;
  for (const [conversationId, users] of Object.entries(state.typing)) {
    for (const [userId, until] of Object.entries(users))
      if (until <= now) next = setTyping(next, conversationId, userId, 0);
  }
  return next;
}

/** Conversation ids by latest activity, newest first. */
export function orderedIds(conversations: Readonly<Record<string, ConversationState>>): string[] {
  return Object.values(conversations)
    .sort((a, b) => b.conversation.lastActivityAt - a.conversation.lastActivityAt)
    .map((c) => c.conversation.id);
}

/** What a conversation adds to the title badge: unread messages, only mentions, or nothing (muted). */
export function badgeCount(c: ConversationState): number {
  if (c.notifyLevel === 'muted') return 0;
  return c.notifyLevel === 'mentions' ? c.mentions : c.unread;
}

/** Sum of the badge counts (the tab title). */
export function totalUnread(conversations: Readonly<Record<string, ConversationState>>): number {
  let total = 0;
  for (const c of Object.values(conversations)) total += badgeCount(c);
  return total;
}

/** The seq of the newest entry held that matches (0 if none): a cheap "something of this kind changed" signal. */
export function lastSeqWhere(c: ConversationState | undefined, match: (m: Message) => boolean): number {
  if (c === undefined) return 0;
  for (let i = c.messages.length - 1; i >= 0; i--) {
    const m = c.messages[i];
    if (m !== undefined && match(m)) return m.seq;
  }
  return 0;
}

/** Some thread I take part in has replies I have not read (the "Threads" button's dot). */
export function anyThreadUnread(state: AppState): boolean {
  for (const [rootId, readSeq] of Object.entries(state.threadReads)) {
    let root = state.threads[rootId]?.root;
    if (root === undefined) {
      for (const c of Object.values(state.conversations)) {
        root = c.messages.find((m) => m.id === rootId);
        if (root !== undefined) break;
      }
    }
    if (root !== undefined && (root.thread?.lastReplySeq ?? 0) > readSeq) return true;
  }
  return false;
}
