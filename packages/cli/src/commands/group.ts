/** `parley group create <title> <@user...>`: a group with you as its owner. */
import type { Command } from 'commander';
import { findUserId, globalOptions, requireSession, usernameOf } from '../context';
import { CliError } from '../errors';
import { countOf, printJson, printLine } from '../output';

export function registerGroupCommands(program: Command): void {
  const group = program.command('group').description('Group conversations');
  group
    .command('create <title> <members...>')
    .description('Create a group with these members (@username each)')
    .action(async (title: string, members: string[], _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const memberIds: string[] = [];
      for (const member of members) {
        const username = usernameOf(member) ?? member.toLowerCase();
        const id = await findUserId(session.http, username);
        if (id === undefined)
          throw new CliError(`no user named @${username}`, 'check the spelling, or ask them to register', 'not_found');
        if (id !== session.login.userId && !memberIds.includes(id)) memberIds.push(id);
      }
      const { conversation } = await session.http.createGroup({ title, memberIds });
      if (json) return printJson({ conversation });
      printLine(`created group "${title}" (${conversation.id}) with ${countOf(conversation.memberCount, 'member')}`);
      printLine(`  send to it with: parley send ${conversation.id} <text>`);
    });
}
