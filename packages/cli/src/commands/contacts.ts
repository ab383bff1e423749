/**
 * `parley contacts`, `parley contact add|remove|set <@user>`: your contact list, with
 * the nickname and groups you keep for each contact (docs/protocol.md, "Contacts").
 * The same details are the XMPP roster's names and groups.
 */
import type { Contact, User } from '@parley/protocol';
import type { Command } from 'commander';
import { globalOptions, requireSession } from '../context';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';
import { requireUserId } from './channel';

interface SetOptions {
  nickname?: string;
  clearNickname?: boolean;
  group?: string[];
  groups?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function describe(user: User, contact: Contact): string {
  const nickname = contact.nickname === null ? '' : `  "${contact.nickname}"`;
  const groups = contact.groups.length === 0 ? '' : `  [${contact.groups.join(', ')}]`;
  return `@${user.username}  ${user.displayName}${nickname}${groups}`;
}

export function registerContactCommands(program: Command): void {
  program
    .command('contacts')
    .description('List your contacts, with the nickname and groups you gave them')
    .action(async (_opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { users, contacts } = await session.http.listContacts();
      if (json) return printJson({ users, contacts });
      if (users.length === 0) return printLine('you have no contacts');
      users.forEach((user, i) => {
        const contact = contacts[i];
        if (contact) printLine(describe(user, contact));
      });
    });

  const contact = program.command('contact').description('Add, remove or describe one contact');

  contact
    .command('add <user>')
    .description('Add @user to your contacts (they see your presence)')
    .action(async (user: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const userId = await requireUserId(session, user);
      await session.http.addContact(userId);
      if (json) return printJson({ added: userId });
      printLine(`added ${user} to your contacts`);
    });

  contact
    .command('remove <user>')
    .description('Remove @user from your contacts')
    .action(async (user: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const userId = await requireUserId(session, user);
      await session.http.removeContact(userId);
      if (json) return printJson({ removed: userId });
      printLine(`removed ${user} from your contacts`);
    });

  contact
    .command('set <user>')
    .description('Set the nickname and groups you keep for a contact (only you see them)')
    .option('--nickname <name>', 'what you call them (at most 100 characters)')
    .option('--clear-nickname', 'remove the nickname (show their display name)')
    .option('--group <name>', 'a group to file them under (repeat for several; replaces their groups)', collect)
    .option('--no-groups', 'remove them from every group')
    .action(async (user: string, opts: SetOptions, command: Command) => {
      const { server, json } = globalOptions(command);
      if (opts.nickname !== undefined && opts.clearNickname) {
        throw new CliError('--nickname and --clear-nickname exclude each other', 'give one of them');
      }
      if (opts.group !== undefined && opts.groups === false) {
        throw new CliError('--group and --no-groups exclude each other', 'give one of them');
      }
      const patch = {
        ...(opts.nickname !== undefined ? { nickname: opts.nickname } : opts.clearNickname ? { nickname: null } : {}),
        ...(opts.group !== undefined ? { groups: opts.group } : opts.groups === false ? { groups: [] } : {}),
      };
      if (Object.keys(patch).length === 0) {
        throw new CliError('nothing to set', 'give --nickname, --clear-nickname, --group or --no-groups');
      }
      const session = requireSession(server);
      const userId = await requireUserId(session, user);
      const { contact: updated } = await session.http.updateContact(userId, patch);
      if (json) return printJson(updated);
      const { user: profile } = await session.http.getUser(userId);
      printLine(describe(profile, updated));
    });
}
