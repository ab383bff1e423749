/**
 * `parley 2fa status|setup|enable|disable|recovery-codes`: two-factor
 * authentication (TOTP) of the logged-in account. `setup` prints a secret and an
 * otpauth:// URI for an authenticator app; `enable <code>` confirms it with a first
 * code and prints the ten recovery codes, once.
 */
import type { Command } from 'commander';
import { AdminHttpClient } from '@parley/sdk/node';
import { globalOptions, requireSession } from '../context';
import { printJson, printLine } from '../output';

function client(command: Command): { http: AdminHttpClient; json: boolean } {
  const { server, json } = globalOptions(command);
  const session = requireSession(server);
  return { http: new AdminHttpClient({ baseUrl: server, getToken: () => session.login.token }), json };
}

function printCodes(codes: readonly string[]): void {
  printLine('recovery codes (each works once in place of a code; keep them somewhere safe, they are not shown again):');
  for (const code of codes) printLine(`  ${code}`);
}

export function registerTwoFactorCommands(program: Command): void {
  const twoFactor = program.command('2fa').description('Two-factor authentication (TOTP) of your account');

  twoFactor
    .command('status')
    .description('Whether it is on, and how many recovery codes are left')
    .action(async (_opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const status = await http.twoFactorStatus();
      if (json) printJson(status);
      else printLine(status.enabled ? `on; ${status.recoveryCodesLeft} recovery code(s) left` : 'off');
    });

  twoFactor
    .command('setup')
    .description('Make a new secret for your authenticator app (then run `parley 2fa enable <code>`)')
    .action(async (_opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const setup = await http.setupTwoFactor();
      if (json) return printJson(setup);
      printLine(`secret: ${setup.secret}`);
      printLine(`uri:    ${setup.uri}`);
      printLine('add it to your authenticator app, then run `parley 2fa enable <code>` with the code it shows');
    });

  twoFactor
    .command('enable <code>')
    .description('Turn it on with a first code from your authenticator app')
    .action(async (code: string, _opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const { recoveryCodes } = await http.enableTwoFactor(code);
      if (json) return printJson({ recoveryCodes });
      printLine('two-factor authentication is on');
      printCodes(recoveryCodes);
    });

  twoFactor
    .command('disable <code>')
    .description('Turn it off (a code from your app, or a recovery code)')
    .action(async (code: string, _opts: unknown, command: Command) => {
      const { http, json } = client(command);
      await http.disableTwoFactor(code);
      if (json) printJson({ ok: true });
      else printLine('two-factor authentication is off');
    });

  twoFactor
    .command('recovery-codes <code>')
    .description('New recovery codes (the old ones stop working)')
    .action(async (code: string, _opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const { recoveryCodes } = await http.renewRecoveryCodes(code);
      if (json) printJson({ recoveryCodes });
      else printCodes(recoveryCodes);
    });
}
