/**
 * `parley audit verify|list|export`: the audit log, read on the server machine
 * straight from the store (the same PARLEY_* configuration as `parley start`), so
 * that it works when nobody can log in. `verify` walks the hash chain and names the
 * first entry that was altered, removed or inserted (exit code 1); it prints the
 * last hash, which operators record elsewhere: a deleted tail can only be detected
 * against such an anchor (`--anchor <seq>:<hash>`). Admins search the log over HTTP
 * with `parley admin audit`.
 */
import type { Command } from 'commander';
import { globalOptions, positiveInt } from '../context';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';
import { withAdmin } from './user';

interface Entry {
  seq: number;
  at: number;
  actorName: string | null;
  action: string;
  target: string | null;
  address: string | null;
  details: Record<string, unknown>;
}

export function auditLine(entry: Entry): string {
  const at = new Date(entry.at).toISOString().replace('T', ' ').slice(0, 19);
  const details = Object.keys(entry.details).length === 0 ? '' : ` ${JSON.stringify(entry.details)}`;
  return `#${entry.seq} ${at} ${entry.action} by ${entry.actorName ?? '-'} on ${entry.target ?? '-'} from ${entry.address ?? '-'}${details}`;
}

function parseAnchor(raw: string): { seq: number; hash: string } {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(raw.trim());
  if (!match)
    throw new CliError(`--anchor ${raw} is not <seq>:<sha-256 hex>`, 'copy it from an earlier `parley audit verify`');
  return { seq: Number(match[1]), hash: match[2] ?? '' };
}

const EXPORT_PAGE = 1000;

export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('Check, list and export the audit log on the server machine (uses the PARLEY_* configuration)');

  audit
    .command('verify')
    .description('Check the hash chain of the audit log; names the first altered entry (exit code 1)')
    .option('--anchor <seq:hash>', 'a seq and hash recorded earlier: also detects entries deleted from the end')
    .action(async (opts: { anchor?: string }, command: Command) => {
      const { json } = globalOptions(command);
      const anchor = opts.anchor === undefined ? undefined : parseAnchor(opts.anchor);
      const result = await withAdmin((admin) => admin.services.admin.asCli().verifyAudit(anchor));
      if (!result.ok) process.exitCode = 1;
      if (json) return printJson(result);
      if (result.firstBad) {
        printLine(
          `audit log BROKEN at entry ${result.firstBad.seq} (${result.firstBad.problem}): ${result.firstBad.message}`,
        );
        printLine(`entries 1-${result.lastSeq} are intact`);
        return;
      }
      printLine(`audit log intact: ${result.entries} entries`);
      printLine(`last entry ${result.lastSeq}:${result.lastHash}`);
      printLine(
        'record that line elsewhere and pass it as --anchor later: only an outside copy shows entries deleted from the end',
      );
    });

  audit
    .command('list')
    .description('The newest entries, newest first')
    .option('--limit <n>', 'at most this many (default 50)', positiveInt('--limit', 500), 50)
    .option('--action <action>', 'only this action (e.g. login.failed, user.deactivated)')
    .option('--user <user>', 'only entries whose actor or target is this user (id or username)')
    .option('--before <seq>', 'entries before this seq (paging)', positiveInt('--before'))
    .action(async (opts: { limit: number; action?: string; user?: string; before?: number }, command: Command) => {
      const { json } = globalOptions(command);
      const page = await withAdmin((admin) =>
        admin.services.admin.asCli().listAudit({
          limit: opts.limit,
          ...(opts.action === undefined ? {} : { action: opts.action }),
          ...(opts.user === undefined ? {} : { user: opts.user }),
          ...(opts.before === undefined ? {} : { before: opts.before }),
        }),
      );
      if (json) return printJson(page);
      if (page.entries.length === 0) return printLine('no entries');
      for (const entry of page.entries) printLine(auditLine(entry));
      if (page.nextCursor !== null) printLine(`more: --before ${page.nextCursor}`);
    });

  audit
    .command('export')
    .description('Every entry, oldest first, as JSON lines (with prevHash and hash, for checking elsewhere)')
    .option('--after <seq>', 'only entries after this seq', positiveInt('--after'))
    .action(async (opts: { after?: number }) => {
      await withAdmin(async (admin) => {
        const ops = admin.services.admin.asCli();
        let after = opts.after ?? 0;
        for (;;) {
          const entries = await ops.readAudit(after, EXPORT_PAGE);
          for (const entry of entries) printLine(JSON.stringify(entry));
          const last = entries.at(-1);
          if (!last || entries.length < EXPORT_PAGE) break;
          after = last.seq;
        }
      });
    });
}
