/**
 * `parley edit <messageId> <text...>`, `parley delete <messageId>` and
 * `parley react <messageId> <emoji> [--remove]`: one change to a sent message.
 * Changes are WebSocket frames, so each opens a real-time connection for the one
 * request and closes it. The server records the change in the conversation's
 * sequence; every device (and `parley tail`) sees it as an update entry.
 */
import type { Command } from 'commander';
import { Connection, NodeWebSocket, ParleyError, webSocketUrl, type Message } from '@parley/sdk/node';
import { globalOptions, requireSession, type Session } from '../context';
import { CliError } from '../errors';
import { formatMessage, Names, printJson, printLine } from '../output';

/**
 * Connects, runs one request and always closes the connection. A bare connection,
 * not a client: no catch-up, so the command marks nothing delivered.
 */
async function withConnection<T>(session: Session, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = new Connection({
    url: webSocketUrl(session.server),
    WebSocket: NodeWebSocket,
    getToken: () => session.login.token,
    backoff: { maxAttempts: 3 },
  });
  const ready = new Promise<void>((resolve, reject) => {
    connection.on('status', (status) => {
      if (status.state === 'connected') resolve();
      if (status.state === 'stopped')
        reject(status.error ?? new ParleyError('unavailable', `connection refused (${status.reason})`));
    });
  });
  connection.start();
  try {
    await ready;
    return await fn(connection);
  } finally {
    connection.stop();
  }
}

async function show(session: Session, json: boolean, message: Message): Promise<void> {
  if (json) return printJson({ message });
  const names = new Names(session.http);
  names.remember(session.login.userId, session.login.username);
  printLine(await formatMessage(message, names));
}

export function registerMessageChangeCommands(program: Command): void {
  program
    .command('edit <messageId> <text...>')
    .description('Replace the text of one of your messages (within the server’s edit window)')
    .action(async (messageId: string, words: string[], _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const text = words.join(' ');
      if (text.trim() === '') throw new CliError('the new text is empty', 'to remove a message, use `parley delete`');
      await show(
        session,
        json,
        (await withConnection(session, (c) => c.request('message.edit', { messageId, text }))).message,
      );
    });

  program
    .command('delete <messageId>')
    .description('Delete a message (yours, or anyone’s as a moderator); it stays as a tombstone')
    .action(async (messageId: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      await show(
        session,
        json,
        (await withConnection(session, (c) => c.request('message.delete', { messageId }))).message,
      );
    });

  program
    .command('react <messageId> <emoji>')
    .description('React to a message with one emoji (--remove takes your reaction back)')
    .option('--remove', 'remove your reaction instead of adding it')
    .action(async (messageId: string, emoji: string, opts: { remove?: boolean }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { message } = await withConnection(session, (c) =>
        c.request('reaction.set', { messageId, emoji, reacted: opts.remove !== true }),
      );
      await show(session, json, message);
    });
}
