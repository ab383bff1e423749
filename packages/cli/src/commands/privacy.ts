/**
 * `parley block|unblock <@user>`, `parley blocks` and `parley privacy [everyone|contacts|nobody]`:
 * the block list and who sees your last seen and online status (docs/protocol.md, "Privacy
 * and blocking").
 */
import type { PresenceVisibility } from '@parley/protocol';
import type { Command } from 'commander';
import { globalOptions, requireSession } from '../context';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';
import { requireUserId } from './channel';

const CHOICES: readonly PresenceVisibility[] = ['everyone', 'contacts', 'nobody'];

function presenceChoice(value: string): PresenceVisibility {
  const choice = CHOICES.find((c) => c === value);
  if (!choice) throw new CliError(`not a choice: ${value}`, `use one of ${CHOICES.join(', ')}`);
  return choice;
}

export function registerPrivacyCommands(program: Command): void {
  program
    .command('block <user>')
    .description('Block @user: no messages, presence, invitations, typing, reactions or mentions between you')
    .action(async (user: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const userId = await requireUserId(session, user);
      await session.http.block(userId);
      if (json) return printJson({ blocked: userId });
      printLine(`blocked ${user}`);
    });

  program
    .command('unblock <user>')
    .description('Unblock @user')
    .action(async (user: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const userId = await requireUserId(session, user);
      await session.http.unblock(userId);
      if (json) return printJson({ unblocked: userId });
      printLine(`unblocked ${user}`);
    });

  program
    .command('blocks')
    .description('List the people you blocked')
    .action(async (_opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { users } = await session.http.listBlocks();
      if (json) return printJson(users);
      if (users.length === 0) return printLine('you have not blocked anyone');
      for (const u of users) printLine(`@${u.username}  ${u.displayName}`);
    });

  program
    .command('privacy [presence]')
    .description(
      'Show or set who sees your last seen and online status: everyone (your contacts and the people of ' +
        'chats where you took part), contacts, or nobody; you see others’ only as far as you share yours',
    )
    .action(async (presence: string | undefined, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { privacy } =
        presence === undefined
          ? await session.http.privacy()
          : await session.http.updatePrivacy({ presence: presenceChoice(presence) });
      if (json) return printJson(privacy);
      printLine(`last seen and online status: ${privacy.presence}`);
    });
}
