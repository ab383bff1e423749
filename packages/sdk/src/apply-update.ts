/**
 * Folding changes into messages a client holds. Edits, deletes, reactions, pins and link previews
 * arrive as `update` entries in the conversation's sequence (through the `message`
 * event, in order, like any message); history pages already show messages in their
 * current state, with `rev` = the seq of the last update applied. So an update
 * applies to its target only when its seq is greater than the target's `rev` (or
 * `seq`): applying twice, or applying an update a page already contains, changes
 * nothing. Pure functions: they never mutate their arguments.
 */
import type { Message, ReactionSummary } from '@parley/protocol';

/** How many users a reaction summary lists (the server lists the earliest 20). */
const LISTED_USERS = 20;

/** True for an entry that changes an earlier message rather than being one. */
export function isUpdate(message: Message): boolean {
  return message.content.type === 'update';
}

/** Options of {@link applyUpdate}. */
export interface ApplyOptions {
  /** Your user id: keeps `myReactions` right when you react on another device. */
  me?: string;
}

function without<K extends keyof Message>(message: Message, keys: readonly K[]): Message {
  const copy = { ...message };
  for (const key of keys) delete copy[key];
  return copy;
}

function addReaction(reactions: readonly ReactionSummary[], emoji: string, userId: string): ReactionSummary[] {
  const found = reactions.find((r) => r.emoji === emoji);
  if (!found) return [...reactions, { emoji, count: 1, userIds: [userId] }];
  return reactions.map((r) =>
    r.emoji !== emoji
      ? r
      : {
          emoji,
          count: r.count + 1,
          userIds: r.userIds.length < LISTED_USERS && !r.userIds.includes(userId) ? [...r.userIds, userId] : r.userIds,
        },
  );
}

function removeReaction(reactions: readonly ReactionSummary[], emoji: string, userId: string): ReactionSummary[] {
  return reactions
    .map((r) => (r.emoji !== emoji ? r : { emoji, count: r.count - 1, userIds: r.userIds.filter((u) => u !== userId) }))
    .filter((r) => r.count > 0);
}

function withReactions(message: Message, reactions: ReactionSummary[]): Message {
  return reactions.length > 0 ? { ...message, reactions } : without(message, ['reactions']);
}

function withMine(message: Message, mine: string[]): Message {
  return mine.length > 0 ? { ...message, myReactions: mine } : without(message, ['myReactions']);
}

/**
 * The target as it is after `update`, or the target itself when the update is not
 * for it, is not newer than it, or is not an update entry.
 *
 * @example
 * ```ts
 * client.on('message', (m) => {
 *   if (m.content.type === 'update') {
 *     const target = byId.get(m.content.messageId);
 *     if (target) byId.set(target.id, applyUpdate(target, m, { me: client.user?.id }));
 *   } else byId.set(m.id, m);
 * });
 * ```
 */
export function applyUpdate(target: Message, update: Message, options: ApplyOptions = {}): Message {
  const change = update.content;
  if (change.type !== 'update' || change.messageId !== target.id) return target;
  if (update.conversationId !== target.conversationId || update.seq <= (target.rev ?? target.seq)) return target;
  const base: Message = { ...target, rev: update.seq };
  const by = update.senderId;
  switch (change.action) {
    case 'edited': {
      // A file message's edit is a new caption; the file stays.
      const text = change.text ?? '';
      // A bot's components stay through an edit, unless the entry carries new ones (empty: none).
      const components =
        change.components ?? (base.content.type === 'text' ? base.content.components : undefined) ?? [];
      const content: Message['content'] =
        base.content.type === 'file'
          ? { ...base.content, caption: text }
          : components.length > 0
            ? { type: 'text', text, components }
            : { type: 'text', text };
      const edited: Message = { ...base, content, editedAt: update.createdAt };
      return change.mentions ? { ...edited, mentions: change.mentions } : without(edited, ['mentions']);
    }
    case 'deleted':
      return {
        ...without(base, [
          'mentions',
          'reactions',
          'myReactions',
          'pinnedAt',
          'pinnedBy',
          'replyTo',
          'forwardedFrom',
          'linkPreviews',
        ]),
        content: { type: 'deleted' },
        deletedAt: update.createdAt,
      };
    case 'reaction.added': {
      const emoji = change.emoji ?? '';
      let next = withReactions(base, addReaction(base.reactions ?? [], emoji, by));
      const mine = base.myReactions ?? [];
      if (by === options.me && !mine.includes(emoji)) next = withMine(next, [...mine, emoji]);
      return next;
    }
    case 'reaction.removed': {
      const emoji = change.emoji ?? '';
      let next = withReactions(base, removeReaction(base.reactions ?? [], emoji, by));
      if (by === options.me)
        next = withMine(
          next,
          (base.myReactions ?? []).filter((e) => e !== emoji),
        );
      return next;
    }
    case 'pinned':
      return { ...base, pinnedAt: update.createdAt, pinnedBy: by };
    case 'unpinned':
      return without(base, ['pinnedAt', 'pinnedBy']);
    case 'call':
      // A call record as it is now (ringing, ongoing, then how it ended).
      return change.call && base.content.type === 'call' ? { ...base, content: change.call } : base;
    case 'link_previews.set': {
      // The server's previews of the links in the text (empty: none any more).
      const previews = change.linkPreviews ?? [];
      return previews.length > 0 ? { ...base, linkPreviews: previews } : without(base, ['linkPreviews']);
    }
    case 'link_previews.removed':
      // The sender removed them for good.
      return { ...without(base, ['linkPreviews']), linkPreviewsOff: true };
    case 'expired':
      // The target is gone for good: the caller drops it (expiredMessageIds), nothing to fold.
      return target;
  }
}

/**
 * The messages an `expired` entry says the retention policy deleted for good: drop them
 * from whatever the app holds (they are in no history any more). Empty for any other entry.
 *
 * @example
 * ```ts
 * client.on('message', (m) => {
 *   for (const id of expiredMessageIds(m)) byId.delete(id);
 * });
 * ```
 */
export function expiredMessageIds(update: Message): string[] {
  const change = update.content;
  if (change.type !== 'update' || change.action !== 'expired') return [];
  return change.messageIds ?? [change.messageId];
}

/**
 * A reply that quotes a message that was then deleted keeps the reference but
 * loses the excerpt (the server does the same to what it stores).
 */
export function applyQuoteDeletion(reply: Message, update: Message): Message {
  const change = update.content;
  if (change.type !== 'update' || change.action !== 'deleted') return reply;
  if (reply.replyTo?.messageId !== change.messageId || reply.replyTo.excerpt === '') return reply;
  return { ...reply, replyTo: { ...reply.replyTo, excerpt: '' } };
}

/**
 * The thread root as it is after a new reply in its thread (count, last reply,
 * participants), or the root itself when the reply is not newer or not in its thread.
 */
export function applyThreadReply(root: Message, reply: Message): Message {
  if (reply.threadId !== root.id) return root;
  // The server counts the root's author as the first participant.
  const thread = root.thread ?? { replyCount: 0, lastReplyAt: null, lastReplySeq: 0, participantIds: [root.senderId] };
  if (reply.seq <= thread.lastReplySeq) return root;
  const participants = thread.participantIds;
  // As the server ranks them: by when they joined (the sender and the people the reply
  // mentions join together), then by user id; the first LISTED_USERS only.
  const newcomers = [...new Set([reply.senderId, ...(reply.mentions?.userIds ?? [])])]
    .filter((id) => !participants.includes(id))
    .sort();
  const participantIds =
    newcomers.length === 0 || participants.length >= LISTED_USERS
      ? participants
      : [...participants, ...newcomers].slice(0, LISTED_USERS);
  return {
    ...root,
    thread: {
      replyCount: thread.replyCount + 1,
      lastReplyAt: reply.createdAt,
      lastReplySeq: reply.seq,
      participantIds,
    },
  };
}
