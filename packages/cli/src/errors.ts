/**
 * How the CLI fails: one CliError for expected problems (with a hint saying what
 * to do next), and one place that turns any error (SDK, server admin, config)
 * into a short message and exit code 1. Stack traces are only printed for bugs.
 * It recognizes errors by shape, not class, so that it does not import the server
 * (two seconds of start-up that only `start` and `user` need).
 */
import { isErrorCode, type ErrorCode } from '@parley/protocol';

/** An expected failure: printed as `error: <message>` plus an optional hint, exit code 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** What to do next for a server error code, from the point of view of a CLI user. */
function hintFor(code: string, serverUrl: string | undefined): string | undefined {
  switch (code) {
    case 'unauthenticated':
    case 'token_invalid':
    case 'token_expired':
      return 'run `parley login <username>` to log in again';
    case 'invalid_credentials':
      return 'check the username and password (PARLEY_PASSWORD or --password), or ask the administrator to run `parley user passwd <username>`';
    case 'username_taken':
      return 'pick another username, or run `parley login <username>` if it is yours';
    case 'admin_required':
      return 'log in as a server administrator; on the server machine `parley user admin <username>` grants the role';
    case 'admin_two_factor_required':
      return 'turn on two-factor authentication first: `parley 2fa setup`, then `parley 2fa enable <code>`';
    case 'account_deactivated':
      return 'an administrator deactivated this account: ask them (`parley admin reactivate <username>`)';
    case 'second_factor_invalid':
      return 'use a fresh code from your authenticator app (each works once), or an unused recovery code';
    case 'weak_password':
      return 'choose a longer password';
    case 'rate_limited':
      return 'wait a little and try again';
    case 'unavailable':
      return serverUrl === undefined
        ? 'is the server running? start it with `parley start`'
        : `is the server running at ${serverUrl}? start it with \`parley start\`, or pass --server <url>`;
    case 'not_member':
      return 'run `parley conversations` to see the conversations you belong to';
    case 'not_found':
      return 'check the name or id (`parley conversations` lists your conversations)';
    case 'blocked':
      return 'one of you blocked the other: `parley unblock <@user>` if it was you';
    case 'file_too_large':
      return 'the server refuses files this big (PARLEY_MAX_FILE_BYTES): compress or split it';
    case 'quota_exceeded':
      return 'your files use up your storage quota: delete messages with files you no longer need';
    case 'file_type_not_allowed':
      return 'the server accepts only some file types (PARLEY_FILE_TYPES)';
    case 'upload_unavailable':
      return 'the cluster node holding your upload went away: run the same command again to upload it anew';
    default:
      return undefined;
  }
}

/** A ParleyError (SDK) or an AppError (server services): an Error with a registry code. */
function hasErrorCode(error: unknown): error is Error & { code: ErrorCode } {
  return error instanceof Error && isErrorCode((error as { code?: unknown }).code);
}

/** Prints an error the way users should see it and returns the exit code. */
export function reportError(error: unknown, serverUrl?: string): number {
  const write = (line: string) => process.stderr.write(`${line}\n`);
  if (error instanceof CliError) {
    write(`error${error.code ? ` (${error.code})` : ''}: ${error.message}`);
    if (error.hint) write(`  ${error.hint}`);
    return 1;
  }
  if (hasErrorCode(error)) {
    write(`error (${error.code}): ${error.message}`);
    const hint = hintFor(error.code, serverUrl);
    if (hint) write(`  ${hint}`);
    return 1;
  }
  // The server's ConfigError and StartupError (a port in use...): the message says what to change.
  if (error instanceof Error && (error.name === 'ConfigError' || error.name === 'StartupError')) {
    write(`error: ${error.message}`);
    return 1;
  }
  // Not an expected failure: show everything, it is a bug worth reporting.
  write(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}
