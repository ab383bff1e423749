/**
 * What every networked command shares: the server URL (`--server`, PARLEY_SERVER,
 * or the default), the `--json` switch, the saved login for that server, an SDK
 * HTTP client carrying its token, and the resolution of a target (`@username`
 * or a conversation id) to a conversation.
 */
import type { Command } from 'commander';
import { HttpClient, ParleyError, createNodeClient, type ParleyClient } from '@parley/sdk/node';
import type { Conversation } from '@parley/sdk/node';
import { loadLogin, type SavedLogin } from './credentials';
import { CliError } from './errors';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export interface GlobalOptions {
  server: string;
  json: boolean;
}

/** The global options as seen from any (sub)command. */
export function globalOptions(command: Command): GlobalOptions {
  const opts = command.optsWithGlobals<{ server?: string; json?: boolean }>();
  const server = opts.server ?? process.env['PARLEY_SERVER'] ?? DEFAULT_SERVER;
  try {
    const url = new URL(server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new CliError(`--server ${server} is not an http(s) URL`, `use e.g. --server ${DEFAULT_SERVER}`);
  }
  return { server: server.replace(/\/+$/, ''), json: opts.json === true };
}

/** An anonymous HTTP client (register, login). */
export function anonymousHttp(server: string): HttpClient {
  return new HttpClient({ baseUrl: server });
}

export interface Session {
  server: string;
  login: SavedLogin;
  http: HttpClient;
}

/** The saved login for this server, or a "not logged in" error saying how to log in. */
export function requireSession(server: string): Session {
  const login = loadLogin(server);
  if (!login) {
    throw new CliError(
      `not logged in to ${server}`,
      'run `parley login <username>` (or `parley register <username>` for a new account)',
      'not_logged_in',
    );
  }
  return { server, login, http: new HttpClient({ baseUrl: server, getToken: () => login.token }) };
}

/**
 * A real-time SDK client for this session (tail). `cursors` name the conversations it
 * follows, not all the account holds: the others start like on a new device.
 */
export function realtimeClient(session: Session, cursors?: Record<string, number>): ParleyClient {
  return createNodeClient({
    baseUrl: session.server,
    token: session.login.token,
    ...(cursors ? { cursors, cursorsComplete: false } : {}),
  });
}

/** Strips the leading `@` of a user target. */
export function usernameOf(target: string): string | undefined {
  return target.startsWith('@') ? target.slice(1).toLowerCase() : undefined;
}

/** The user id of a username, or undefined when there is no such user. */
export async function findUserId(http: HttpClient, username: string): Promise<string | undefined> {
  const { users } = await http.findUsers(username);
  return users[0]?.id;
}

/**
 * The conversation a target names: `@username` is the direct conversation with
 * that user (created on first use), anything else a conversation id.
 */
export async function resolveTarget(session: Session, target: string): Promise<Conversation> {
  const username = usernameOf(target);
  if (username === undefined) {
    try {
      return (await session.http.getConversation(target)).conversation;
    } catch (error) {
      if (error instanceof ParleyError && (error.code === 'not_found' || error.code === 'bad_request')) {
        throw new CliError(
          `no conversation ${target}`,
          'use @username for a direct conversation, or an id from `parley conversations`',
          'not_found',
        );
      }
      throw error;
    }
  }
  if (username === session.login.username) {
    throw new CliError(
      'a direct conversation needs another person',
      'name someone else, or create a group',
      'invalid_operation',
    );
  }
  const userId = await findUserId(session.http, username);
  if (userId === undefined) {
    throw new CliError(
      `no user named @${username} on ${session.server}`,
      'check the spelling, or ask them to register',
      'not_found',
    );
  }
  return (await session.http.createDirect({ userId })).conversation;
}

/** Parses a positive integer option value (commander passes strings). */
export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > max) {
      throw new CliError(`${name} must be an integer between 1 and ${max}, not ${value}`);
    }
    return parsed;
  };
}
