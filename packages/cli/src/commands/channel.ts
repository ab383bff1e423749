/**
 * `parley channel create|list|join`: channels (public ones are in the directory and
 * anyone joins them; private ones take an invite, see `parley invite`).
 */
import type { Command } from 'commander';
import { findUserId, globalOptions, positiveInt, requireSession, usernameOf, type Session } from '../context';
import { CliError } from '../errors';
import { countOf, printJson, printLine } from '../output';

/** The user id of `@username` (or a bare username); CliError when there is none. */
export async function requireUserId(session: Session, target: string): Promise<string> {
  const username = usernameOf(target) ?? target.toLowerCase();
  const id = await findUserId(session.http, username);
  if (id === undefined) {
    throw new CliError(`no user named @${username}`, 'check the spelling, or ask them to register', 'not_found');
  }
  return id;
}

interface CreateOptions {
  private?: boolean;
  broadcast?: boolean;
  topic?: string;
  description?: string;
}

export function registerChannelCommands(program: Command): void {
  const channel = program.command('channel').description('Channels: create, find and join');

  channel
    .command('create <title> [members...]')
    .description('Create a channel (public unless --private) with you as its owner')
    .option('--private', 'invite only, not listed in the directory')
    .option('--broadcast', 'only owners and admins post; members read')
    .option('--topic <topic>', 'a one-line topic')
    .option('--description <text>', 'a longer description')
    .action(async (title: string, members: string[], opts: CreateOptions, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const memberIds: string[] = [];
      for (const member of members) {
        const id = await requireUserId(session, member);
        if (id !== session.login.userId && !memberIds.includes(id)) memberIds.push(id);
      }
      const { conversation } = await session.http.createChannel({
        title,
        visibility: opts.private ? 'private' : 'public',
        postPolicy: opts.broadcast ? 'admins' : 'everyone',
        ...(opts.topic === undefined ? {} : { topic: opts.topic }),
        ...(opts.description === undefined ? {} : { description: opts.description }),
        memberIds,
      });
      if (json) return printJson({ conversation });
      const kind = `${conversation.visibility}${conversation.postPolicy === 'admins' ? ' broadcast' : ''}`;
      printLine(
        `created ${kind} channel "${title}" (${conversation.id}) with ${countOf(conversation.memberCount, 'member')}`,
      );
      if (conversation.visibility === 'private')
        printLine(`  invite people with: parley invite create ${conversation.id}`);
    });

  channel
    .command('list [query]')
    .description('List public channels (most members first), optionally matching a word of title or topic')
    .option('--limit <n>', 'how many (at most 100)', positiveInt('--limit', 100), 50)
    .action(async (query: string | undefined, opts: { limit: number }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const page = await session.http.directory({ ...(query ? { query } : {}), limit: opts.limit });
      if (json) return printJson(page);
      if (page.channels.length === 0) return printLine('(no channels found)');
      for (const c of page.channels) {
        const flags = [c.joined ? 'joined' : '', c.postPolicy === 'admins' ? 'broadcast' : ''].filter(Boolean);
        const topic = c.topic ? ` - ${c.topic}` : '';
        const extra = flags.length > 0 ? ` [${flags.join(', ')}]` : '';
        printLine(`${c.id}  ${c.title ?? '(untitled)'} (${countOf(c.memberCount, 'member')})${extra}${topic}`);
      }
    });

  channel
    .command('join <channelId>')
    .description('Join a public channel')
    .action(async (channelId: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { conversation } = await session.http.join(channelId);
      if (json) return printJson({ conversation });
      printLine(`joined "${conversation.title ?? conversation.id}" (${countOf(conversation.memberCount, 'member')})`);
    });
}
