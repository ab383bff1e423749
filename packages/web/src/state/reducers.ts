/**
 * Pure state transitions for the events the SDK reports (messages, conversation
 * summaries, receipts, typing, presence) and for history pages. No I/O, no
 * timers: the controller calls these and decides what to fetch.
 */
import type { Conversation, ConversationSummary, Message } from '@parley/protocol';
import type { AppState, ConversationState } from './app-state';

/** Merges messages by seq (a later copy of the same seq wins), ascending. */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const bySeq = new Map<number, Message>();
  for (const m of existing) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
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

export function newConversationState(conversation: Conversation): ConversationState {
  return {
    conversation,
    lastMessage: null,
    unread: 0,
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
  if (current === undefined) return withConversation(state, conversation.id, newConversationState(conversation));
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
  return withConversation(state, conversation.id, { ...current, conversation: merged });
}

export function removeConversation(state: AppState, id: string): AppState {
  if (!(id in state.conversations)) return state;
  const conversations = { ...state.conversations };
  delete conversations[id];
  return { ...state, conversations, activeId: state.activeId === id ? null : state.activeId };
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
      countedThrough: Math.max(summary.conversation.lastSeq, current.countedThrough),
    });
  }
  for (const id of Object.keys(next.conversations)) if (!seen.has(id)) next = removeConversation(next, id);
  return next;
}

/** A message the SDK delivered (exactly once, in order), own ones included. */
export function applyMessage(state: AppState, message: Message): AppState {
  const current = state.conversations[message.conversationId];
  if (current === undefined) return state;
  const mine = message.senderId === state.me.id;
  const countable = !mine && message.content.type === 'text' && message.seq > current.countedThrough;
  const conversation: Conversation = {
    ...current.conversation,
    lastSeq: Math.max(current.conversation.lastSeq, message.seq),
    lastActivityAt: Math.max(current.conversation.lastActivityAt, message.createdAt),
  };
  let next = withConversation(state, message.conversationId, {
    ...current,
    conversation,
    messages: mergeMessages(current.messages, [message]),
    lastMessage: message.seq >= (current.lastMessage?.seq ?? 0) ? message : current.lastMessage,
    unread: countable ? current.unread + 1 : current.unread,
    countedThrough: Math.max(current.countedThrough, message.seq),
  });
  if (mine) next = { ...next, pending: next.pending.filter((p) => p.clientId !== message.clientId) };
  // A message ends its sender's typing indicator.
  const typing = next.typing[message.conversationId];
  if (typing?.[message.senderId] !== undefined) next = setTyping(next, message.conversationId, message.senderId, 0);
  return next;
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
  let unread = current.unread;
  if (receipt.userId === state.me.id && receipt.kind === 'read') {
    unread =
      receipt.seq >= current.conversation.lastSeq
        ? 0
        : Math.min(
            unread,
            current.messages.filter(
              (m) => m.seq > receipt.seq && m.senderId !== state.me.id && m.content.type === 'text',
            ).length,
          );
  }
  return withConversation(state, receipt.conversationId, {
    ...current,
    unread,
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

/** Sum of unread counts (the title badge). */
export function totalUnread(conversations: Readonly<Record<string, ConversationState>>): number {
  let total = 0;
  for (const c of Object.values(conversations)) total += c.unread;
  return total;
}
