/**
 * `parley admin ...`: server administration over the admin HTTP API, as the logged-in
 * user (who must be a server admin: the server decides). Users are named by
 * username. The same actions exist in the web app's admin API; on the server
 * machine `parley user ...` and `parley audit ...` work without logging in, and so does
 * `parley admin sso status` (it reads the server's own PARLEY_* configuration).
 */
import type { Command } from 'commander';
import type { AdminUser, UpdateServerSettingsBody } from '@parley/protocol';
import { AdminHttpClient } from '@parley/sdk/node';
import { globalOptions, positiveInt, requireSession } from '../context';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';
import { readPassword } from '../password';
import { registerConsoleCommands } from './admin-console';
import { registerRetentionCommands } from './admin-retention';
import { registerHookCommands } from './admin-hooks';
import { auditLine } from './audit';
import { checkUsername, withAdmin } from './user';

function adminClient(command: Command): { http: AdminHttpClient; json: boolean } {
  const { server, json } = globalOptions(command);
  const session = requireSession(server);
  return { http: new AdminHttpClient({ baseUrl: server, getToken: () => session.login.token }), json };
}

async function userIdOf(http: AdminHttpClient, rawName: string): Promise<string> {
  const username = checkUsername(rawName);
  const { users } = await http.adminListUsers({ q: username, limit: 200 });
  const found = users.find((u) => u.user.username === username);
  if (!found) throw new CliError(`no user named ${username}`, 'list them with `parley admin users`', 'not_found');
  return found.user.id;
}

function userLine(u: AdminUser): string {
  const flags = [
    u.isAdmin ? 'admin' : '',
    u.deactivatedAt !== null ? 'DEACTIVATED' : '',
    u.twoFactorEnabled ? '2fa' : '',
  ].filter(Boolean);
  return `${u.user.username.padEnd(20)} ${u.user.displayName.padEnd(24)} ${u.user.id}  ${flags.join(' ')}`.trimEnd();
}

/** One action on one user, named by username. */
function userAction(
  admin: Command,
  name: string,
  description: string,
  run: (http: AdminHttpClient, userId: string) => Promise<{ json: unknown; line: string }>,
): void {
  admin
    .command(`${name} <username>`)
    .description(description)
    .action(async (rawName: string, _opts: unknown, command: Command) => {
      const { http, json } = adminClient(command);
      const result = await run(http, await userIdOf(http, rawName));
      if (json) printJson(result.json);
      else printLine(result.line);
    });
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('Administer the server over its admin API (server admins)');
  registerRetentionCommands(admin, adminClient);
  registerHookCommands(admin, adminClient);

  admin
    .command('users')
    .description('List or search accounts, by username')
    .option('--query <text>', 'start of the username or part of the display name')
    .option('--limit <n>', 'at most this many (default 50)', positiveInt('--limit', 200), 50)
    .option('--after <username>', 'start after this username (paging)')
    .action(async (opts: { query?: string; limit: number; after?: string }, command: Command) => {
      const { http, json } = adminClient(command);
      const page = await http.adminListUsers({
        limit: opts.limit,
        ...(opts.query === undefined ? {} : { q: opts.query }),
        ...(opts.after === undefined ? {} : { cursor: opts.after.toLowerCase() }),
      });
      if (json) return printJson(page);
      for (const u of page.users) printLine(userLine(u));
      if (page.nextCursor !== null) printLine(`more: --after ${page.nextCursor}`);
    });

  admin
    .command('create <username>')
    .description('Create an account')
    .option('--password <password>', 'its password (default: PARLEY_PASSWORD, else asked)')
    .option('--display-name <name>', 'the name shown to others')
    .option('--admin', 'make it a server administrator')
    .action(
      async (rawName: string, opts: { password?: string; displayName?: string; admin?: boolean }, command: Command) => {
        const { http, json } = adminClient(command);
        const username = checkUsername(rawName);
        const password = await readPassword({
          password: opts.password,
          confirm: true,
          prompt: `Password for ${username}: `,
        });
        const { user } = await http.adminCreateUser({
          username,
          password,
          ...(opts.displayName === undefined ? {} : { displayName: opts.displayName }),
          ...(opts.admin === true ? { isAdmin: true } : {}),
        });
        if (json) printJson({ user });
        else printLine(`created ${userLine(user)}`);
      },
    );

  userAction(admin, 'show', 'Show one account', async (http, id) => {
    const { user } = await http.adminGetUser(id);
    return { json: { user }, line: userLine(user) };
  });
  userAction(
    admin,
    'deactivate',
    'Deactivate an account: no login by any way, every device logged out',
    async (http, id) => {
      const { user } = await http.adminDeactivate(id);
      return { json: { user }, line: `deactivated ${user.user.username}; their devices were logged out` };
    },
  );
  userAction(admin, 'reactivate', 'Let a deactivated account log in again', async (http, id) => {
    const { user } = await http.adminReactivate(id);
    return { json: { user }, line: `reactivated ${user.user.username}` };
  });
  userAction(admin, 'logout', 'Log out every device of an account', async (http, id) => {
    const { revokedSessions } = await http.adminLogoutEverywhere(id);
    return { json: { revokedSessions }, line: `logged out ${revokedSessions} device(s)` };
  });
  userAction(admin, 'grant', 'Make an account a server administrator', async (http, id) => {
    const { user } = await http.adminSetAdmin(id, true);
    return { json: { user }, line: `${user.user.username} is now a server administrator` };
  });
  userAction(admin, 'revoke', 'Take the administrator role away', async (http, id) => {
    const { user } = await http.adminSetAdmin(id, false);
    return { json: { user }, line: `${user.user.username} is no longer a server administrator` };
  });
  userAction(admin, 'reset-2fa', 'Turn off the two-factor authentication of someone who lost it', async (http, id) => {
    await http.adminResetTwoFactor(id);
    return { json: { ok: true }, line: 'two-factor authentication turned off; they log in with their password alone' };
  });

  const user = admin.command('user').description('Delete an account (audited)');
  user
    .command('delete <username>')
    .description("Delete someone's account: logged out everywhere, profile wiped, name kept (cannot be undone)")
    .option('--with-content', 'also erase every message, edit, reaction and file it sent, for everyone')
    .option('--yes', 'confirm')
    .action(async (rawName: string, opts: { withContent?: boolean; yes?: boolean }, command: Command) => {
      const withContent = opts.withContent === true;
      if (opts.yes !== true) {
        throw new CliError(
          withContent
            ? `deleting ${rawName} with --with-content erases everything they sent, for every member`
            : `deleting ${rawName} wipes the profile; their messages stay, shown as "Deleted account"`,
          'run it again with --yes to confirm',
          'bad_request',
        );
      }
      const { http, json } = adminClient(command);
      const id = await userIdOf(http, rawName);
      await http.adminDeleteUser(id, { withContent });
      if (json) printJson({ deleted: id, withContent });
      else
        printLine(
          withContent
            ? `deleted ${rawName}; everything they sent is being erased`
            : `deleted ${rawName}; their messages stay as "Deleted account"`,
        );
    });

  const conversation = admin
    .command('conversation')
    .description('List, archive, unarchive, delete or hand over any group or channel (audited)');
  registerConsoleCommands(admin, conversation, adminClient, userIdOf);
  conversation
    .command('archive <conversationId>')
    .description('Make a group or channel read-only for everyone (members still read and search it)')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const { http, json } = adminClient(command);
      const result = await http.adminArchiveConversation(id);
      if (json) printJson(result);
      else printLine(`archived ${result.conversation.id} "${result.conversation.title ?? ''}"`);
    });
  conversation
    .command('unarchive <conversationId>')
    .description('Make an archived group or channel writable again')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const { http, json } = adminClient(command);
      const result = await http.adminUnarchiveConversation(id);
      if (json) printJson(result);
      else printLine(`unarchived ${result.conversation.id} "${result.conversation.title ?? ''}"`);
    });
  conversation
    .command('delete <conversationId>')
    .description('Delete a group or channel for everyone, with its messages and files (cannot be undone)')
    .option('--yes', 'confirm: everything in it is erased for every member')
    .action(async (id: string, opts: { yes?: boolean }, command: Command) => {
      if (opts.yes !== true) {
        throw new CliError(
          `deleting ${id} erases its messages, reactions, threads, pins and files for every member`,
          'run it again with --yes to confirm',
          'bad_request',
        );
      }
      const { http, json } = adminClient(command);
      await http.adminDeleteConversation(id);
      if (json) printJson({ deleted: id });
      else printLine(`deleted ${id}; its messages and files are being erased`);
    });

  admin
    .command('passwd <username>')
    .description("Set a user's password (logs out every device of that user)")
    .option('--password <password>', 'the new password (default: PARLEY_PASSWORD, else asked)')
    .action(async (rawName: string, opts: { password?: string }, command: Command) => {
      const { http, json } = adminClient(command);
      const id = await userIdOf(http, rawName);
      const password = await readPassword({ password: opts.password, confirm: true, prompt: 'New password: ' });
      const { revokedSessions } = await http.adminResetPassword(id, password);
      if (json) printJson({ revokedSessions });
      else printLine(`password changed; ${revokedSessions} device(s) logged out`);
    });

  admin
    .command('settings')
    .description('Show or change the run-time settings')
    .option('--registration <policy>', 'self sign-up: open, invite (a server invite code) or closed')
    .option('--require-admin-2fa <on|off>', 'administrators must use two-factor authentication')
    .action(async (opts: { registration?: string; requireAdmin2fa?: string }, command: Command) => {
      const { http, json } = adminClient(command);
      const patch: UpdateServerSettingsBody = {};
      if (opts.registration !== undefined) {
        if (opts.registration !== 'open' && opts.registration !== 'invite' && opts.registration !== 'closed')
          throw new CliError(`--registration ${opts.registration}: use open, invite or closed`);
        patch.registration = opts.registration;
      }
      if (opts.requireAdmin2fa !== undefined) {
        if (opts.requireAdmin2fa !== 'on' && opts.requireAdmin2fa !== 'off')
          throw new CliError(`--require-admin-2fa ${opts.requireAdmin2fa}: use on or off`);
        patch.requireAdminTwoFactor = opts.requireAdmin2fa === 'on';
      }
      const { settings } =
        Object.keys(patch).length === 0 ? await http.adminSettings() : await http.adminUpdateSettings(patch);
      if (json) return printJson({ settings });
      printLine(`registration: ${settings.registration}`);
      printLine(`require 2FA for admins: ${settings.requireAdminTwoFactor ? 'on' : 'off'}`);
    });

  admin
    .command('sso')
    .description('Single sign-on (on the server machine: reads the PARLEY_* configuration and the store)')
    .command('status')
    .description('Show the single sign-on configuration (never the secret) and how many identities are linked')
    .action(async (_opts: unknown, command: Command) => {
      const { json } = globalOptions(command);
      const status = await withAdmin((server) => server.services.sso.status());
      if (json) return printJson(status);
      if (!status.enabled) {
        printLine('single sign-on: off (set PARLEY_SSO_ISSUER and PARLEY_SSO_CLIENT_ID)');
        printLine(`linked identities: ${status.linkedIdentities}`);
        return;
      }
      printLine('single sign-on: on');
      printLine(`issuer: ${status.issuer}`);
      printLine(
        `client id: ${status.clientId} (${status.clientSecret ? 'with a secret' : 'public client, PKCE only'})`,
      );
      printLine(`scopes: ${status.scopes}`);
      printLine(`button: Sign in with ${status.label}`);
      printLine(`password login: ${status.passwordLogin ? 'on' : 'off (SSO only)'}`);
      printLine(`create accounts on first login: ${status.createAccounts ? 'on' : 'off'}`);
      printLine(`e-mail domains: ${status.emailDomains.length === 0 ? 'any' : status.emailDomains.join(', ')}`);
      printLine(`username claim: ${status.usernameClaim}`);
      printLine(`linked identities: ${status.linkedIdentities}`);
    });

  admin
    .command('audit')
    .description('Search the audit log, newest first')
    .option('--action <action>', 'only this action')
    .option('--user <user>', 'only entries whose actor or target is this user (username or id)')
    .option('--limit <n>', 'at most this many (default 50)', positiveInt('--limit', 500), 50)
    .option('--before <seq>', 'entries before this seq (paging)', positiveInt('--before'))
    .action(async (opts: { action?: string; user?: string; limit: number; before?: number }, command: Command) => {
      const { http, json } = adminClient(command);
      const page = await http.adminAudit({
        limit: opts.limit,
        ...(opts.action === undefined ? {} : { action: opts.action }),
        ...(opts.user === undefined ? {} : { user: opts.user }),
        ...(opts.before === undefined ? {} : { before: opts.before }),
      });
      if (json) return printJson(page);
      for (const entry of page.entries) printLine(auditLine(entry));
      if (page.nextCursor !== null) printLine(`more: --before ${page.nextCursor}`);
    });
  const dead = admin
    .command('dead-letters')
    .description('Events and jobs that failed too often and wait aside (list, retry, drop)');
  dead
    .command('list', { isDefault: true })
    .description('List them, newest first')
    .option('--limit <n>', 'at most this many (default 100)', positiveInt('--limit', 500), 100)
    .action(async (opts: { limit: number }, command: Command) => {
      const { http, json } = adminClient(command);
      const { deadLetters } = await http.adminDeadLetters(opts.limit);
      if (json) return printJson({ deadLetters });
      for (const d of deadLetters) {
        const at = new Date(d.failedAt).toISOString();
        printLine(
          `${d.id}  ${d.source.padEnd(5)} ${d.kind.padEnd(20)} ${String(d.attempts).padStart(3)} tries  ${at}  ${d.lastError}`,
        );
      }
    });
  dead
    .command('retry <id>')
    .description('Put it back: the event is dispatched again, the job runs again')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const { http, json } = adminClient(command);
      const { deadLetter } = await http.adminRetryDeadLetter(id);
      if (json) return printJson({ deadLetter });
      printLine(`retrying ${deadLetter.source} ${deadLetter.id} (${deadLetter.kind})`);
    });
  dead
    .command('drop <id>')
    .description('Drop it for good')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const { http, json } = adminClient(command);
      await http.adminDeleteDeadLetter(id);
      if (json) return printJson({ ok: true });
      printLine(`dropped ${id}`);
    });
}
