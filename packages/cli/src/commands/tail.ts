/**
 * `parley tail <target>`: prints the last few messages, then follows the
 * conversation live over the WebSocket until Ctrl-C. The SDK reconnects and
 * resyncs on its own; this command only filters, orders the printing and reports
 * the connection state on stderr. `@user` that does not exist yet is polled for
 * every 2 s, so two people can start chatting in either order.
 */
import type { Command } from 'commander';
import type { Conversation, Message } from '@parley/sdk/node';
import {
  findUserId,
  globalOptions,
  positiveInt,
  realtimeClient,
  requireSession,
  resolveTarget,
  usernameOf,
  type Session,
} from '../context';
import { CliError } from '../errors';
import { formatMessage, Names, printLine } from '../output';

const POLL_MS = 2_000;

function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Waits until `@username` exists, saying so once. */
async function waitForUser(session: Session, username: string): Promise<void> {
  let announced = false;
  while ((await findUserId(session.http, username)) === undefined) {
    if (!announced) note(`waiting for @${username} to register (checking every 2 s; Ctrl-C to stop)...`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (announced) note(`@${username} is here.`);
}

/** Follows one conversation until the process is interrupted or the session is refused. */
async function follow(session: Session, conversation: Conversation, lastSeq: number, names: Names): Promise<number> {
  const client = realtimeClient(session, { [conversation.id]: lastSeq });
  let printed = lastSeq;
  // Lines are formatted asynchronously (username lookups): chain them to keep seq order.
  let queue: Promise<void> = Promise.resolve();
  client.on('message', (message: Message) => {
    if (message.conversationId !== conversation.id || message.seq <= printed) return;
    printed = message.seq;
    queue = queue.then(async () => printLine(await formatMessage(message, names)));
  });
  client.on('typing', (event) => {
    if (event.conversationId !== conversation.id || event.userId === session.login.userId || !event.typing) return;
    void names.get(event.userId).then((name) => note(`(${name} is typing...)`));
  });
  let wasConnected = false;
  return new Promise<number>((resolve) => {
    client.on('state', (state) => {
      if (state.state === 'connected' && wasConnected) note('reconnected.');
      if (state.state === 'connected') wasConnected = true;
      if (state.state === 'disconnected')
        note(`connection lost (${state.code}); reconnecting in ${Math.round(state.retryInMs / 100) / 10} s...`);
      if (state.state === 'stopped' && state.reason !== 'closed') {
        note(
          `error (${state.error?.code ?? state.reason}): ${state.error?.message ?? 'the server refused the connection'}`,
        );
        note('  run `parley login <username>` to log in again');
        resolve(1);
      }
    });
    const stop = () => {
      client.close();
      void queue.then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    client.connect().then(
      () => note(`following ${conversation.id} live (Ctrl-C to stop)`),
      // The 'stopped' state above already explained why.
      () => undefined,
    );
  });
}

export function registerTailCommand(program: Command): void {
  program
    .command('tail <target>')
    .description('Show the last messages of @username or a conversation id, then follow it live')
    .option('--last <n>', 'how many earlier messages to show first (default 10)', positiveInt('--last', 500), 10)
    .action(async (target: string, opts: { last: number }, command: Command) => {
      const { server } = globalOptions(command);
      const session = requireSession(server);
      const username = usernameOf(target);
      if (username !== undefined) {
        if (username === session.login.username)
          throw new CliError('you cannot chat with yourself', 'name someone else');
        await waitForUser(session, username);
      }
      const conversation = await resolveTarget(session, target);
      const names = new Names(session.http);
      names.remember(session.login.userId, session.login.username);
      const page = await session.http.history(conversation.id, { limit: opts.last });
      for (const message of page.messages) printLine(await formatMessage(message, names));
      const lastSeq = page.messages.at(-1)?.seq ?? 0;
      process.exitCode = await follow(session, conversation, lastSeq, names);
    });
}
