/**
 * What to call people and conversations in the UI: a user's display name (or
 * username), a direct conversation's title (the other person), a group's title,
 * and the text of system messages.
 */
import { fileSummary, type Conversation, type Message, type User } from '@parley/protocol';

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
      return `${actor} renamed the group to “${content.title ?? ''}”`;
  }
}

/** One line for the conversation list. */
export function previewText(
  message: Message,
  users: Readonly<Record<string, User>>,
  me: string,
  group: boolean,
): string {
  if (message.content.type === 'system') return systemText(message, users, me);
  const body = message.content.type === 'file' ? fileSummary(message.content) : message.content.text;
  const text = body.replace(/\s+/g, ' ').trim();
  if (message.senderId === me) return `You: ${text}`;
  return group ? `${userName(users, message.senderId)}: ${text}` : text;
}
