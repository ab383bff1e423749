/**
 * `parley send <target> <text...> [--reply-to <id>] [--thread <id>]`: one message over HTTP (no WebSocket, so a
 * script that sends does not mark anything delivered). The client id is chosen
 * once, so a retry after a lost answer never stores the message twice (P6).
 */
import type { Command } from 'commander';
import { newClientId, ParleyError, type Message } from '@parley/sdk/node';
import { globalOptions, requireSession, resolveTarget, type Session } from '../context';
import { CliError } from '../errors';
import { formatMessage, Names, printJson, printLine } from '../output';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Sends with retries on retryable errors (same client id each time, so at most one copy). */
async function sendWithRetry(
  session: Session,
  conversationId: string,
  text: string,
  refs: { replyTo?: string | undefined; threadId?: string | undefined },
): Promise<Message> {
  const clientId = newClientId();
  const extra = {
    ...(refs.replyTo === undefined ? {} : { replyTo: refs.replyTo }),
    ...(refs.threadId === undefined ? {} : { threadId: refs.threadId }),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const { message } = await session.http.sendMessage(conversationId, {
        clientId,
        content: { type: 'text', text },
        ...extra,
      });
      return message;
    } catch (error) {
      if (!(error instanceof ParleyError) || !error.retryable || attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs ?? 500 * attempt));
    }
  }
}

export function registerSendCommand(program: Command): void {
  program
    .command('send <target> <text...>')
    .description('Send a message to @username or a conversation id (text "-" reads standard input)')
    .option('--reply-to <messageId>', 'quote this message of the conversation')
    .option('--thread <messageId>', 'reply in the thread under this message')
    .action(async (target: string, words: string[], opts: { replyTo?: string; thread?: string }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const text = words.length === 1 && words[0] === '-' ? await readStdin() : words.join(' ');
      if (text.trim() === '') throw new CliError('the message is empty', 'give some text, or pipe it in with `-`');
      const conversation = await resolveTarget(session, target);
      const message = await sendWithRetry(session, conversation.id, text, {
        replyTo: opts.replyTo,
        threadId: opts.thread,
      });
      if (json) return printJson({ message });
      const names = new Names(session.http);
      names.remember(session.login.userId, session.login.username);
      printLine(await formatMessage(message, names));
    });
}
