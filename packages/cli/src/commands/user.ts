/**
 * `parley user add|list|passwd|admin`: administration on the server's machine, straight
 * through the server's services over its store (`openAdmin`), with the same
 * PARLEY_* configuration as `parley start`. Works while the server runs (SQLite in
 * WAL mode accepts a second process).
 */
import type { Command } from 'commander';
import { checkValue, Username } from '@parley/protocol';
import type { Admin } from '@parley/server';
import { globalOptions, positiveInt, requireSession } from '../context';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';
import { readPassword } from '../password';

export async function withAdmin<T>(run: (admin: Admin) => Promise<T>): Promise<T> {
  // Loaded on demand: the server takes seconds to import and other commands do not need it.
  const { loadConfig, openAdmin } = await import('@parley/server');
  const admin = await openAdmin(loadConfig());
  try {
    return await run(admin);
  } finally {
    await admin.close();
  }
}

/** Usernames are lower-case on the wire; check early so that the admin path refuses what HTTP refuses. */
export function checkUsername(raw: string): string {
  const username = raw.trim().toLowerCase();
  if (!checkValue(Username, username).ok) {
    throw new CliError(
      `invalid username "${raw}"`,
      'use 2-32 characters: lower-case letters, digits, "_", "." and "-", starting with a letter or digit',
      'bad_request',
    );
  }
  return username;
}

export function registerUserCommands(program: Command): void {
  const user = program
    .command('user')
    .description('Administer accounts on the server machine (uses the PARLEY_* configuration of the server)');

  user
    .command('add <username>')
    .description('Create an account')
    .option('--password <password>', 'its password (default: PARLEY_PASSWORD, else asked)')
    .option('--display-name <name>', 'the name shown to others (default: the username)')
    .action(async (rawName: string, opts: { password?: string; displayName?: string }, command: Command) => {
      const { json } = globalOptions(command);
      const username = checkUsername(rawName);
      const password = await readPassword({
        password: opts.password,
        confirm: true,
        prompt: `Password for ${username}: `,
      });
      const created = await withAdmin((admin) =>
        admin.services.accounts.createUser({
          username,
          password,
          ...(opts.displayName === undefined ? {} : { displayName: opts.displayName }),
        }),
      );
      if (json) printJson({ user: created });
      else printLine(`created ${created.username} (${created.id})`);
    });

  user
    .command('search <prefix>')
    .description('Find people by a prefix of their username or name (as you: uses your login, not the server machine)')
    .option('--limit <n>', 'at most this many (1-50, default 20)', positiveInt('--limit', 50), 20)
    .option('--after <cursor>', 'the next page: the cursor printed after the last one')
    .action(async (prefix: string, opts: { limit: number; after?: string }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const page = await session.http.searchUsers({
        q: prefix,
        limit: opts.limit,
        ...(opts.after === undefined ? {} : { cursor: opts.after }),
      });
      if (json) return printJson(page);
      if (page.users.length === 0) return printLine('nobody found');
      for (const u of page.users) printLine(`@${u.username}  ${u.displayName}`);
      if (page.nextCursor !== null) printLine(`more: --after ${page.nextCursor}`);
    });

  user
    .command('list')
    .description('List accounts, by username')
    .option('--limit <n>', 'at most this many (default 100)', positiveInt('--limit', 10_000), 100)
    .option('--after <username>', 'start after this username (paging)')
    .action(async (opts: { limit: number; after?: string }, command: Command) => {
      const { json } = globalOptions(command);
      const users = await withAdmin((admin) =>
        admin.services.accounts.listUsers({
          limit: opts.limit,
          ...(opts.after === undefined ? {} : { afterUsername: opts.after.toLowerCase() }),
        }),
      );
      if (json) return printJson({ users });
      if (users.length === 0) return printLine('no users yet: create one with `parley user add <username>`');
      for (const u of users) {
        const created = new Date(u.createdAt).toISOString().slice(0, 16).replace('T', ' ');
        printLine(`${u.username.padEnd(20)} ${u.displayName.padEnd(24)} ${u.id}  created ${created}`);
      }
    });

  user
    .command('passwd <username>')
    .description("Set a user's password (logs out every device of that user)")
    .option('--password <password>', 'the new password (default: PARLEY_PASSWORD, else asked)')
    .action(async (rawName: string, opts: { password?: string }, command: Command) => {
      const { json } = globalOptions(command);
      const username = checkUsername(rawName);
      const password = await readPassword({
        password: opts.password,
        confirm: true,
        prompt: `New password for ${username}: `,
      });
      await withAdmin((admin) => admin.services.accounts.resetPassword(username, password));
      if (json) printJson({ ok: true, username });
      else printLine(`password changed for ${username}; their devices were logged out`);
    });

  user
    .command('admin <username>')
    .description('Make the user a server administrator (or, with --revoke, no longer one)')
    .option('--revoke', 'take the role away')
    .action(async (rawName: string, opts: { revoke?: boolean }, command: Command) => {
      const { json } = globalOptions(command);
      const username = checkUsername(rawName);
      const isAdmin = opts.revoke !== true;
      const result = await withAdmin(async (admin) => {
        const ops = admin.services.admin.asCli();
        const user = await ops.findUser(username);
        return ops.setAdmin(user.id, isAdmin);
      });
      if (json) printJson({ user: result });
      else
        printLine(
          isAdmin ? `${username} is now a server administrator` : `${username} is no longer a server administrator`,
        );
    });
}
