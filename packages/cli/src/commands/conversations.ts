/** `parley conversations`: your conversations by latest activity, with unread counts. */
import type { Command } from 'commander';
import type { ConversationSummary } from '@parley/sdk/node';
import { globalOptions, requireSession } from '../context';
import { countOf, formatMessage, Names, printJson, printLine } from '../output';

/**
 * `@bob` for a direct conversation, the title and member count for a group or a
 * channel (whose `members` list is empty: channels page their members).
 */
export async function conversationLabel(summary: ConversationSummary, names: Names, selfId: string): Promise<string> {
  const conversation = summary.conversation;
  if (conversation.kind === 'direct') {
    const other = conversation.members.find((m) => m.userId !== selfId) ?? conversation.members[0];
    return other ? `@${await names.get(other.userId)}` : '(direct)';
  }
  const untitled = conversation.kind === 'channel' ? '(untitled channel)' : '(untitled group)';
  return `${conversation.title ?? untitled} (${countOf(conversation.memberCount, 'member')})`;
}

export function registerConversationsCommand(program: Command): void {
  program
    .command('conversations')
    .description('List your conversations with unread counts')
    .action(async (_opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { conversations } = await session.http.listConversations();
      if (json) return printJson({ conversations });
      if (conversations.length === 0) {
        printLine('no conversations yet: `parley send @username <text>` starts one');
        return;
      }
      const names = new Names(session.http);
      names.remember(session.login.userId, session.login.username);
      for (const summary of conversations) {
        const label = await conversationLabel(summary, names, session.login.userId);
        const unread = summary.unreadCount > 0 ? `${summary.unreadCount} unread` : 'read';
        printLine(`${summary.conversation.id}  ${label}  ${unread}`);
        if (summary.lastMessage) printLine(`    ${await formatMessage(summary.lastMessage, names)}`);
      }
    });
}
