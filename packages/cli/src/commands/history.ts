/** `parley history <target>`: a page of messages, oldest first, as lines or JSON. */
import type { Command } from 'commander';
import { globalOptions, positiveInt, requireSession, resolveTarget } from '../context';
import { formatMessage, Names, printJson, printLine } from '../output';

export function registerHistoryCommand(program: Command): void {
  program
    .command('history <target>')
    .description('Show the messages of @username or a conversation id')
    .option('--limit <n>', 'at most this many messages (default 50)', positiveInt('--limit', 500), 50)
    .option('--before <seq>', 'only messages with a seq below this one (scroll back)', positiveInt('--before'))
    .action(async (target: string, opts: { limit: number; before?: number }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const conversation = await resolveTarget(session, target);
      const page = await session.http.history(conversation.id, {
        limit: opts.limit,
        ...(opts.before === undefined ? {} : { before: opts.before }),
      });
      if (json) return printJson({ conversationId: conversation.id, messages: page.messages, hasMore: page.hasMore });
      const names = new Names(session.http);
      names.remember(session.login.userId, session.login.username);
      if (page.messages.length === 0) printLine('(no messages)');
      for (const message of page.messages) printLine(await formatMessage(message, names));
      const first = page.messages[0];
      if (page.hasMore && first) printLine(`(older messages: --before ${first.seq})`);
    });
}
