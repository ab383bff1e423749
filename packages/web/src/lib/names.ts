/**
 * What to call people and conversations in the UI: a user's display name (or
 * username), a direct conversation's title (the other person), a group's title,
 * and the text of system messages and previews, as Lines whose user-written parts
 * are kept apart for bidi isolation.
 */
import { callRecordText } from './call-text';
import { fileSummary, isolateText, type Conversation, type Message, type User } from '@parley/protocol';
import { formatDuration } from './format-time';
import { plainText } from './markdown';

export function userName(users: Readonly<Record<string, User>>, id: string): string {
  const user = users[id];
  return user === undefined ? 'Someone' : user.displayName || user.username;
}

/** The other member of a direct conversation (or undefined for groups). */
export function peerId(conversation: Conversation, me: string): string | undefined {
  if (conversation.kind !== 'direct') return undefined;
  return conversation.members.find((m) => m.userId !== me)?.userId ?? me;
}

export function conversationTitle(
  conversation: Conversation,
  users: Readonly<Record<string, User>>,
  me: string,
): string {
  if (conversation.kind === 'group') return conversation.title ?? 'Group';
  if (conversation.kind === 'channel') return conversation.title ?? 'Channel';
  const peer = peerId(conversation, me);
  return peer === undefined ? 'Direct chat' : userName(users, peer);
}

/**
 * A sentence that mixes UI words (strings) with text people wrote (`{ user }`), so
 * that the user parts can be shown in bidi isolation (components/user-text.tsx
 * `LineText`) or, as plain text, wrapped in FSI...PDI (`lineText(line, true)`).
 */
export type Line = (string | { user: string })[];

/** The line as plain text; `isolated` wraps each user part in FSI...PDI (notifications, titles). */
export function lineText(line: Line, isolated = false): string {
  return line.map((part) => (typeof part === 'string' ? part : isolated ? isolateText(part.user) : part.user)).join('');
}

/** Joins lines (or words) with a separator, like Array.join for Lines. */
function joinLines(parts: Line[], separator: string): Line {
  return parts.flatMap((part, i) => (i === 0 ? part : [separator, ...part]));
}

export function systemLine(message: Message, users: Readonly<Record<string, User>>, me: string): Line {
  const content = message.content;
  if (content.type !== 'system') return [];
  const who = (id: string): Line => (id === me ? ['you'] : [{ user: userName(users, id) }]);
  const actor: Line = message.senderId === me ? ['You'] : [{ user: userName(users, message.senderId) }];
  const targets = joinLines((content.userIds ?? []).map(who), ', ');
  switch (content.action) {
    case 'created':
      return [
        ...actor,
        ' created ',
        ...(content.title === undefined ? ['the conversation'] : ['“', { user: content.title }, '”']),
      ];
    case 'member.added':
      return [...actor, ' added ', ...targets];
    case 'member.removed':
      return [...actor, ' removed ', ...targets];
    case 'member.left':
      return [...actor, ' left'];
    case 'member.role':
      return [...actor, ' made ', ...targets, ` ${content.role ?? 'member'}`];
    case 'renamed':
      return [...actor, ' renamed the conversation to “', { user: content.title ?? '' }, '”'];
    case 'member.joined':
      return [...actor, ' joined'];
    case 'member.banned':
      return [...actor, ' banned ', ...targets, until(content.until)];
    case 'member.unbanned':
      return [...actor, ' lifted the ban on ', ...targets];
    case 'member.muted':
      return [...actor, ' muted ', ...targets, until(content.until)];
    case 'member.unmuted':
      return [...actor, ' unmuted ', ...targets];
    case 'settings.changed':
      return [...actor, ' changed ', ...settingsWords(content.settings ?? {})];
    case 'archived':
      return [...actor, ' archived this conversation: it is read-only'];
    case 'unarchived':
      return [...actor, ' unarchived this conversation'];
  }
}

/** "Ada pinned a message" for a `pinned` update entry (the words before the link to the message). */
export function pinLine(message: Message, users: Readonly<Record<string, User>>, me: string): Line {
  const actor: Line = message.senderId === me ? ['You'] : [{ user: userName(users, message.senderId) }];
  return [...actor, ' pinned '];
}

export function systemText(message: Message, users: Readonly<Record<string, User>>, me: string): string {
  return lineText(systemLine(message, users, me));
}

function until(at: number | null | undefined): string {
  return at === null || at === undefined ? '' : ` until ${new Date(at).toLocaleString()}`;
}

function settingsWords(settings: NonNullable<Extract<Message['content'], { type: 'system' }>['settings']>): Line {
  const parts: Line[] = [];
  if (settings.topic !== undefined)
    parts.push(settings.topic === null ? ['cleared the topic'] : ['the topic to “', { user: settings.topic }, '”']);
  if (settings.description !== undefined) parts.push(['the description']);
  if (settings.avatarUrl !== undefined) parts.push(['the picture']);
  if (settings.visibility !== undefined) parts.push([`the channel to ${settings.visibility}`]);
  if (settings.postPolicy !== undefined)
    parts.push([settings.postPolicy === 'admins' ? 'posting to admins only' : 'posting to everyone']);
  if (settings.slowModeSeconds !== undefined)
    parts.push([
      settings.slowModeSeconds === 0
        ? 'slow mode off'
        : `slow mode to ${formatDuration(settings.slowModeSeconds * 1000)}`,
    ]);
  return parts.length === 0 ? ['the settings'] : joinLines(parts, ', ');
}

/** One line for the conversation list. */
export function previewLine(message: Message, users: Readonly<Record<string, User>>, me: string, group: boolean): Line {
  if (message.content.type === 'system') return systemLine(message, users, me);
  if (message.content.type === 'deleted') return ['This message was deleted'];
  if (message.content.type === 'call') return [callRecordText(message.content, message.senderId === me)];
  if (message.content.type !== 'text' && message.content.type !== 'file') return [];
  const body = message.content.type === 'file' ? fileSummary(message.content) : message.content.text;
  const text = { user: plainText(body).replace(/\s+/g, ' ').trim() };
  if (message.senderId === me) return ['You: ', text];
  return group ? [{ user: userName(users, message.senderId) }, ': ', text] : [text];
}

export function previewText(
  message: Message,
  users: Readonly<Record<string, User>>,
  me: string,
  group: boolean,
): string {
  return lineText(previewLine(message, users, me, group));
}
