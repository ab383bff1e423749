/**
 * What to call people and conversations in the UI: a user's display name (or
 * username), a direct conversation's title (the other person), a group's title,
 * and the text of system messages.
 */
import { fileSummary, type Conversation, type Message, type User } from '@parley/protocol';
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

export function systemText(message: Message, users: Readonly<Record<string, User>>, me: string): string {
  const content = message.content;
  if (content.type !== 'system') return '';
  const who = (id: string) => (id === me ? 'you' : userName(users, id));
  const actor = message.senderId === me ? 'You' : userName(users, message.senderId);
  const targets = (content.userIds ?? []).map(who).join(', ');
  switch (content.action) {
    case 'created':
      return `${actor} created ${content.title === undefined ? 'the conversation' : `“${content.title}”`}`;
    case 'member.added':
      return `${actor} added ${targets}`;
    case 'member.removed':
      return `${actor} removed ${targets}`;
    case 'member.left':
      return `${actor} left`;
    case 'member.role':
      return `${actor} made ${targets} ${content.role ?? 'member'}`;
    case 'renamed':
      return `${actor} renamed the conversation to “${content.title ?? ''}”`;
    case 'member.joined':
      return `${actor} joined`;
    case 'member.banned':
      return `${actor} banned ${targets}${until(content.until)}`;
    case 'member.unbanned':
      return `${actor} lifted the ban on ${targets}`;
    case 'member.muted':
      return `${actor} muted ${targets}${until(content.until)}`;
    case 'member.unmuted':
      return `${actor} unmuted ${targets}`;
    case 'settings.changed':
      return `${actor} changed ${settingsWords(content.settings ?? {})}`;
  }
}

function until(at: number | null | undefined): string {
  return at === null || at === undefined ? '' : ` until ${new Date(at).toLocaleString()}`;
}

function settingsWords(settings: NonNullable<Extract<Message['content'], { type: 'system' }>['settings']>): string {
  const parts: string[] = [];
  if (settings.topic !== undefined)
    parts.push(settings.topic === null ? 'cleared the topic' : `the topic to “${settings.topic}”`);
  if (settings.description !== undefined) parts.push('the description');
  if (settings.visibility !== undefined) parts.push(`the channel to ${settings.visibility}`);
  if (settings.postPolicy !== undefined)
    parts.push(settings.postPolicy === 'admins' ? 'posting to admins only' : 'posting to everyone');
  if (settings.slowModeSeconds !== undefined)
    parts.push(
      settings.slowModeSeconds === 0
        ? 'slow mode off'
        : `slow mode to ${formatDuration(settings.slowModeSeconds * 1000)}`,
    );
  return parts.length === 0 ? 'the settings' : parts.join(', ');
}

/** One line for the conversation list. */
export function previewText(
  message: Message,
  users: Readonly<Record<string, User>>,
  me: string,
  group: boolean,
): string {
  if (message.content.type === 'system') return systemText(message, users, me);
  if (message.content.type === 'deleted') return 'This message was deleted';
  if (message.content.type !== 'text' && message.content.type !== 'file') return '';
  const body = message.content.type === 'file' ? fileSummary(message.content) : message.content.text;
  const text = plainText(body).replace(/\s+/g, ' ').trim();
  if (message.senderId === me) return `You: ${text}`;
  return group ? `${userName(users, message.senderId)}: ${text}` : text;
}
