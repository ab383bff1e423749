/**
 * `parley register`, `parley login`, `parley logout`: accounts over HTTP with the
 * SDK. The token is saved per server URL (see credentials.ts); logout revokes the
 * session on the server and forgets it locally even when the server is gone.
 */
import type { Command } from 'commander';
import { AdminHttpClient, HttpClient, ParleyError, type AuthResponseBody } from '@parley/sdk/node';
import os from 'node:os';
import { anonymousHttp, globalOptions } from '../context';
import { forgetLogin, loadLogin, saveLogin, credentialsPath } from '../credentials';
import { printJson, printLine } from '../output';
import { promptHidden, readPassword } from '../password';
import { CliError } from '../errors';
import { checkUsername } from './user';

const deviceName = () => `parley CLI on ${os.hostname()}`.slice(0, 64);

function remember(server: string, json: boolean, response: AuthResponseBody, verb: string): void {
  saveLogin(server, {
    token: response.token,
    userId: response.user.id,
    username: response.user.username,
    savedAt: Date.now(),
  });
  if (json) printJson({ user: response.user, session: response.session });
  else printLine(`${verb} as ${response.user.username} on ${server} (token saved in ${credentialsPath()})`);
}

/** The second factor: `--code`, else PARLEY_2FA_CODE, else asked on the terminal. */
async function readSecondFactor(option: string | undefined): Promise<string> {
  const code = option ?? process.env['PARLEY_2FA_CODE'];
  if (code !== undefined && code !== '') return code;
  if (!process.stdin.isTTY) {
    throw new CliError(
      'this account uses two-factor authentication and there is no terminal to ask for the code',
      'pass --code <code> or set PARLEY_2FA_CODE (a code from your authenticator app, or a recovery code)',
      'second_factor_required',
    );
  }
  return promptHidden('Two-factor code (or recovery code): ');
}

export function registerAuthCommands(program: Command): void {
  program
    .command('register <username>')
    .description('Create an account on the server and log in')
    .option('--password <password>', 'its password (default: PARLEY_PASSWORD, else asked)')
    .option('--display-name <name>', 'the name shown to others')
    .action(async (rawName: string, opts: { password?: string; displayName?: string }, command: Command) => {
      const { server, json } = globalOptions(command);
      const username = checkUsername(rawName);
      const password = await readPassword({
        password: opts.password,
        confirm: true,
        prompt: `Password for ${username}: `,
      });
      const response = await anonymousHttp(server).register({
        username,
        password,
        deviceName: deviceName(),
        ...(opts.displayName === undefined ? {} : { displayName: opts.displayName }),
      });
      remember(server, json, response, 'registered and logged in');
    });

  program
    .command('login <username>')
    .description('Log in and remember the session for this server')
    .option('--password <password>', 'the password (default: PARLEY_PASSWORD, else asked)')
    .option(
      '--code <code>',
      'two-factor code or recovery code, if the account has 2FA (default: PARLEY_2FA_CODE, else asked)',
    )
    .action(async (rawName: string, opts: { password?: string; code?: string }, command: Command) => {
      const { server, json } = globalOptions(command);
      const username = rawName.trim().toLowerCase();
      const password = await readPassword({ password: opts.password, prompt: `Password for ${username}: ` });
      const response = await new AdminHttpClient({ baseUrl: server }).loginWithSecondFactor(
        { username, password, deviceName: deviceName() },
        () => readSecondFactor(opts.code),
      );
      remember(server, json, response, 'logged in');
    });

  program
    .command('logout')
    .description('Log out of this server (revokes the session) and forget the token')
    .action(async (_opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const login = loadLogin(server);
      if (!login) {
        if (json) printJson({ ok: true, wasLoggedIn: false });
        else printLine(`not logged in to ${server}; nothing to do`);
        return;
      }
      let revoked = true;
      try {
        await new HttpClient({ baseUrl: server, getToken: () => login.token }).logout();
      } catch (error) {
        // An already revoked token is logged out anyway; an unreachable server keeps the
        // session alive there, so say so instead of pretending.
        if (!(error instanceof ParleyError) || error.code === 'unavailable' || error.code === 'internal')
          revoked = false;
      }
      forgetLogin(server);
      if (json) printJson({ ok: true, wasLoggedIn: true, revoked });
      else if (revoked) printLine(`logged out ${login.username} from ${server}`);
      else
        printLine(
          `forgot the token of ${login.username}, but could not reach ${server} to revoke it; it stays valid until it expires`,
        );
    });
}
