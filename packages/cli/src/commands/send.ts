/**
 * `parley send <target> <text...> [--reply-to <id>] [--thread <id>]`: one message over
 * HTTP (no WebSocket, so a script that sends does not mark anything delivered). The client id is chosen
 * once, so a retry after a lost answer never stores the message twice (P6).
 * `parley send <target> --file <path> [caption...]` uploads the file first
 * (resumable tus upload: a dropped connection resumes, it does not restart),
 * showing progress on standard error, then sends it with the caption.
 */
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  formatFileSize,
  newClientId,
  ParleyError,
  uploadFile,
  type Message,
  type SendableContent,
} from '@parley/sdk/node';
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
  content: SendableContent,
  refs: { replyTo?: string | undefined; threadId?: string | undefined },
): Promise<Message> {
  const clientId = newClientId();
  const extra = {
    ...(refs.replyTo === undefined ? {} : { replyTo: refs.replyTo }),
    ...(refs.threadId === undefined ? {} : { threadId: refs.threadId }),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const { message } = await session.http.sendMessage(conversationId, { clientId, content, ...extra });
      return message;
    } catch (error) {
      if (!(error instanceof ParleyError) || !error.retryable || attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs ?? 500 * attempt));
    }
  }
}

/** A declared type from the extension, for the server's allowed-types check at creation (it sniffs the real one). */
const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/opus',
  '.wav': 'audio/wav',
  '.m4a': 'audio/mp4',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.zip': 'application/zip',
};

/** Uploads a file with a progress line on stderr; resolves with its id. */
async function uploadWithProgress(session: Session, file: string): Promise<string> {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    throw new CliError(`cannot read ${file}`, 'give the path of a regular file');
  }
  const name = path.basename(file);
  const type = TYPES[path.extname(file).toLowerCase()];
  const tty = process.stderr.isTTY === true;
  let shown = -1;
  const { fileId } = await uploadFile(session.http, createReadStream(file), {
    name,
    size,
    ...(type ? { type } : {}),
    onProgress: (sent, total) => {
      const percent = total === 0 ? 100 : Math.floor((sent / total) * 100);
      // A terminal gets one line rewritten in place; a log gets a line per 25%.
      if (tty) process.stderr.write(`\ruploading ${name}: ${percent}% of ${formatFileSize(total)}`);
      else if (Math.floor(percent / 25) > shown) process.stderr.write(`uploading ${name}: ${percent}%\n`);
      shown = Math.floor(percent / 25);
    },
  });
  if (tty) process.stderr.write('\n');
  return fileId;
}

export function registerSendCommand(program: Command): void {
  program
    .command('send <target> [text...]')
    .description(
      'Send a message to @username or a conversation id (text "-" reads standard input); with --file, send a file and the text as its caption',
    )
    .option('-f, --file <path>', 'upload and send this file (resumable; progress on standard error)')
    .option('--reply-to <messageId>', 'quote this message of the conversation')
    .option('--thread <messageId>', 'reply in the thread under this message')
    .action(
      async (
        target: string,
        words: string[],
        opts: { file?: string; replyTo?: string; thread?: string },
        command: Command,
      ) => {
        const { server, json } = globalOptions(command);
        const session = requireSession(server);
        const text = words.length === 1 && words[0] === '-' ? await readStdin() : words.join(' ');
        if (opts.file === undefined && text.trim() === '') {
          throw new CliError('the message is empty', 'give some text, pipe it in with `-`, or send a file with --file');
        }
        const conversation = await resolveTarget(session, target);
        const content: SendableContent =
          opts.file === undefined
            ? { type: 'text', text }
            : {
                type: 'file',
                fileId: await uploadWithProgress(session, opts.file),
                ...(text.trim() ? { caption: text } : {}),
              };
        const message = await sendWithRetry(session, conversation.id, content, {
          replyTo: opts.replyTo,
          threadId: opts.thread,
        });
        if (json) return printJson({ message });
        const names = new Names(session.http);
        names.remember(session.login.userId, session.login.username);
        printLine(await formatMessage(message, names));
      },
    );
}
