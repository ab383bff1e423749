/** `parley search <query>`: messages of your conversations that match every word, newest first (docs/protocol.md#search). */
import type { Command } from 'commander';
import { findUserId, globalOptions, positiveInt, requireSession, resolveTarget, usernameOf } from '../context';
import { CliError } from '../errors';
import { formatMessage, Names, printJson, printLine } from '../output';

interface SearchOptions {
  in?: string;
  from?: string;
  sort?: string;
  limit: number;
  cursor?: string;
}

export function registerSearchCommand(program: Command): void {
  program
    .command('search <query>')
    .description(
      'Search the messages of your conversations: every word must start a word of the message, ignoring case and ' +
        'accents; Chinese, Japanese and Thai are found anywhere in the text',
    )
    .option('--in <target>', 'only in @username (the direct conversation) or a conversation id')
    .option('--from <username>', 'only messages sent by @username')
    .option('--sort <order>', 'recent (default) or relevance')
    .option('--limit <n>', 'at most this many hits (default 20)', positiveInt('--limit', 50), 20)
    .option('--cursor <cursor>', 'the next page (printed after a full page)')
    .action(async (query: string, opts: SearchOptions, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      if (opts.sort !== undefined && opts.sort !== 'recent' && opts.sort !== 'relevance') {
        throw new CliError(`--sort must be recent or relevance, not ${opts.sort}`);
      }
      const conversationId = opts.in === undefined ? undefined : (await resolveTarget(session, opts.in)).id;
      let senderId: string | undefined;
      if (opts.from !== undefined) {
        const username = usernameOf(opts.from) ?? opts.from;
        senderId = await findUserId(session.http, username);
        if (senderId === undefined) throw new CliError(`no user named @${username}`, undefined, 'not_found');
      }
      const page = await session.http.search({
        query,
        limit: opts.limit,
        ...(conversationId === undefined ? {} : { conversationId }),
        ...(senderId === undefined ? {} : { senderId }),
        ...(opts.sort === undefined ? {} : { sort: opts.sort }),
        ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }),
      });
      if (json) return printJson(page);
      const names = new Names(session.http);
      names.remember(session.login.userId, session.login.username);
      if (page.hits.length === 0) printLine('(no messages found)');
      for (const { message } of page.hits)
        printLine(`${message.conversationId} ${await formatMessage(message, names)}`);
      if (page.nextCursor) printLine(`(more: --cursor ${page.nextCursor})`);
    });
}
