/**
 * `parley admin retention ...`: the retention policy, legal holds and runs over the admin
 * API (docs/operations.md "Retention"). Deleting is for good: `run` says what it deleted.
 */
import type { Command } from 'commander';
import type { RetentionHold, RetentionPolicy, RetentionRunReport } from '@parley/protocol';
import type { AdminHttpClient } from '@parley/sdk/node';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';

type Client = (command: Command) => { http: AdminHttpClient; json: boolean };

function days(value: number | null): string {
  return value === null ? 'forever' : `${value} days`;
}

function policyLines(policy: RetentionPolicy): string[] {
  return [
    `keep messages: ${days(policy.days)}`,
    `conversations may keep longer: ${policy.allowLongerInConversations ? 'yes' : 'no'}`,
  ];
}

function holdLine(hold: RetentionHold): string {
  return `${hold.id}  ${hold.kind.padEnd(12)} ${hold.targetId}  ${hold.reason}`;
}

export function runLine(report: RetentionRunReport): string {
  if (!report.ran) return 'another node is running retention now; nothing done';
  return (
    `deleted ${report.messages} message(s), ${report.files} file(s), ${report.reactions} reaction(s) ` +
    `in ${report.conversations} conversation(s) (${report.batches} batch(es)); ` +
    `${report.edits} edit(s) emptied, ${report.copies} delivery copies removed` +
    (report.walCheckpointed ? '; WAL checkpointed' : '')
  );
}

/** `forever` or a number of days. */
function parseDays(raw: string): number | null {
  if (raw === 'forever') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 36500)
    throw new CliError(`${raw}: use a number of days (1-36500) or forever`);
  return n;
}

export function registerRetentionCommands(admin: Command, client: Client): void {
  admin
    .command('export')
    .description('Export a conversation or every message of a user as JSON lines (stdout), streamed')
    .option('--conversation <id>', 'the conversation to export')
    .option('--user <username|id>', 'the user whose messages to export')
    .action(async (opts: { conversation?: string; user?: string }, command: Command) => {
      const { http } = client(command);
      if ((opts.user === undefined) === (opts.conversation === undefined))
        throw new CliError('name exactly one of --conversation and --user');
      const query = opts.conversation !== undefined ? { conversationId: opts.conversation } : { userId: opts.user };
      for await (const line of http.adminExport(query)) {
        // Backpressure: wait for stdout when it is slower than the server.
        if (!process.stdout.write(`${JSON.stringify(line)}\n`)) {
          await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
        }
      }
    });

  const retention = admin.command('retention').description('Retention policy, legal holds and runs');

  retention
    .command('show')
    .description('Show the policy, the legal holds and conversations with their own period')
    .action(async (_opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const status = await http.adminRetention();
      if (json) return printJson(status);
      for (const line of policyLines(status.policy)) printLine(line);
      printLine(`legal holds: ${status.holds.length}`);
      for (const hold of status.holds) printLine(`  ${holdLine(hold)}`);
      for (const c of status.conversations) printLine(`conversation ${c.conversationId}: ${days(c.days)}`);
    });

  retention
    .command('set <days>')
    .description('Delete messages and files older than <days> days (or `forever`: keep them)')
    .option('--allow-longer <yes|no>', 'conversations may set a longer period than the server')
    .action(async (raw: string, opts: { allowLonger?: string }, command: Command) => {
      const { http, json } = client(command);
      const body: { days: number | null; allowLongerInConversations?: boolean } = { days: parseDays(raw) };
      if (opts.allowLonger !== undefined) {
        if (opts.allowLonger !== 'yes' && opts.allowLonger !== 'no')
          throw new CliError(`--allow-longer ${opts.allowLonger}: use yes or no`);
        body.allowLongerInConversations = opts.allowLonger === 'yes';
      }
      const { policy } = await http.adminSetRetention(body);
      if (json) return printJson({ policy });
      for (const line of policyLines(policy)) printLine(line);
    });

  retention
    .command('run')
    .description('Run retention now: deletes every expired message not on legal hold, for good')
    .action(async (_opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const report = await http.adminRunRetention();
      if (json) return printJson(report);
      printLine(runLine(report));
    });

  const hold = retention.command('hold').description('Legal holds: retention deletes nothing they cover');
  hold
    .command('add')
    .description("Hold a user's messages (--user) or a conversation (--conversation)")
    .option('--user <username|id>', 'the user whose messages are kept')
    .option('--conversation <id>', 'the conversation that is kept')
    .requiredOption('--reason <text>', 'why (kept in the audit log)')
    .action(async (opts: { user?: string; conversation?: string; reason: string }, command: Command) => {
      const { http, json } = client(command);
      if ((opts.user === undefined) === (opts.conversation === undefined))
        throw new CliError('name exactly one of --user and --conversation');
      const body =
        opts.user !== undefined
          ? { kind: 'user' as const, targetId: opts.user, reason: opts.reason }
          : { kind: 'conversation' as const, targetId: opts.conversation ?? '', reason: opts.reason };
      const { hold: added } = await http.adminAddRetentionHold(body);
      if (json) return printJson({ hold: added });
      printLine(`held: ${holdLine(added)}`);
    });
  hold
    .command('list')
    .description('List the legal holds')
    .action(async (_opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const { holds } = await http.adminRetention();
      if (json) return printJson({ holds });
      for (const h of holds) printLine(holdLine(h));
    });
  hold
    .command('remove <holdId>')
    .description('Lift a legal hold (the next run may delete what it kept)')
    .action(async (holdId: string, _opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const { hold: removed } = await http.adminRemoveRetentionHold(holdId);
      if (json) return printJson({ hold: removed });
      printLine(`lifted: ${holdLine(removed)}`);
    });
}
