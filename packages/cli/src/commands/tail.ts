/**
 * `parley tail <target>`: prints the last few messages, then follows the
 * conversation live over the WebSocket until Ctrl-C, marking what it printed as
 * read (unless --no-mark-read). The SDK reconnects and resyncs on its own; this
 * command only filters, orders the printing and reports the connection state on
 * stderr. `@user` that does not exist yet is polled for every 2 s, so two people
 * can start chatting in either order.
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
import { ReadMarker } from './tail-reads';

const POLL_MS = 2_000;
/** How long Ctrl-C waits for the last read receipt before closing anyway. */
const SETTLE_MS = 2_000;

interface TailOptions {
  last: number;
  /** False with --no-mark-read. */
  markRead: boolean;
}

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
async function follow(
  session: Session,
  conversation: Conversation,
  lastSeq: number,
  names: Names,
  markRead: boolean,
): Promise<number> {
  const client = realtimeClient(session, { [conversation.id]: lastSeq });
  const reads = new ReadMarker((seq) => client.receipts.markRead(conversation.id, seq));
  let printed = lastSeq;
  // Lines are formatted asynchronously (username lookups): chain them to keep seq order.
  let queue: Promise<void> = Promise.resolve();
  client.on('message', (message: Message) => {
    if (message.conversationId !== conversation.id || message.seq <= printed) return;
    printed = message.seq;
    queue = queue.then(async () => {
      printLine(await formatMessage(message, names));
      if (markRead) reads.shown(message.seq);
    });
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
      if (state.state === 'connected' && markRead) reads.retry();
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
    // What was printed is marked read before the connection closes.
    const stop = () => {
      void queue
        .then(() => reads.settled(SETTLE_MS))
        .then(() => {
          client.close();
          resolve(0);
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    client.connect().then(
      () => {
        // The earlier messages printed before connecting are shown too.
        if (markRead && lastSeq > 0) reads.shown(lastSeq);
        note(`following ${conversation.id} live (Ctrl-C to stop)`);
      },
      // The 'stopped' state above already explained why.
      () => undefined,
    );
  });
}

export function registerTailCommand(program: Command): void {
  program
    .command('tail <target>')
    .description('Show the last messages of @username or a conversation id, then follow it live, marking them read')
    .option('--last <n>', 'how many earlier messages to show first (default 10)', positiveInt('--last', 500), 10)
    .option('--no-mark-read', 'leave what it shows unread (by default it marks it read, on all your devices)')
    .action(async (target: string, opts: TailOptions, command: Command) => {
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
      process.exitCode = await follow(session, conversation, lastSeq, names, opts.markRead);
    });
}
