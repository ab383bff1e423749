/**
 * `parley export [--out FILE]`: downloads everything of yours (profile, contacts,
 * conversations, the messages and files you sent) as the tar archive of
 * docs/export-format.md, streamed to a file (or to standard output with `--out -`),
 * never held in memory. A few per hour: the server refuses with `rate_limited` past it.
 */
import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { globalOptions, requireSession } from '../context';
import { printJson, printLine } from '../output';

export function registerExportCommands(program: Command): void {
  program
    .command('export')
    .description(
      'Download everything of yours as a tar archive (profile, contacts, conversations, your messages and files)',
    )
    .option('--out <file>', 'where to write it; - for standard output (default parley-export-<username>.tar)')
    .action(async (opts: { out?: string }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const out = opts.out ?? `parley-export-${session.login.username}.tar`;
      const body = await session.http.exportMyData();
      const target: Writable = out === '-' ? process.stdout : createWriteStream(out, { mode: 0o600 });
      await pipeline(Readable.fromWeb(body as never), target);
      if (out === '-') return;
      if (json) printJson({ file: out });
      else printLine(`wrote ${out}`);
    });
}
