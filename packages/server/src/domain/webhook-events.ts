/**
 * Which webhook events a conversation entry is (pure). A new text or file message is
 * `message.created` (and `message.mentioned` for each user it names); an update
 * entry is an edit, a deletion or a reaction; membership entries are joins and
 * departures (being added counts as joining, being removed as leaving). Pins, role
 * changes, settings and the like are not offered yet.
 */
import type { Message, WebhookEventType } from '@parley/protocol';

export interface EntryEvents {
  types: WebhookEventType[];
  /** Users a `message.mentioned` is about. */
  mentioned: string[];
  /** Users a membership event is about (joined or left). */
  members: string[];
}

export function classifyEntry(message: Message): EntryEvents {
  const content = message.content;
  switch (content.type) {
    case 'text':
    case 'file': {
      const mentioned = message.mentions?.userIds ?? [];
      return {
        types: mentioned.length > 0 ? ['message.created', 'message.mentioned'] : ['message.created'],
        mentioned,
        members: [],
      };
    }
    case 'update': {
      const byAction: Partial<Record<string, WebhookEventType>> = {
        edited: 'message.edited',
        deleted: 'message.deleted',
        'reaction.added': 'reaction.added',
        'reaction.removed': 'reaction.removed',
      };
      const type = byAction[content.action];
      return { types: type ? [type] : [], mentioned: [], members: [] };
    }
    case 'system': {
      const members = content.userIds ?? [];
      if (content.action === 'member.joined' || content.action === 'member.added' || content.action === 'created')
        return { types: ['member.joined'], mentioned: [], members };
      if (content.action === 'member.left' || content.action === 'member.removed')
        return { types: ['member.left'], mentioned: [], members };
      return { types: [], mentioned: [], members: [] };
    }
    default:
      return { types: [], mentioned: [], members: [] };
  }
}
