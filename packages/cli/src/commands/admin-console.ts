/**
 * The `parley admin ...` commands of what the web console does beyond accounts and
 * settings: server invites (`invites`), groups and channels across the server
 * (`conversation list|members|transfer`), every conversation's reports (`reports`,
 * `report resolve|dismiss`), storage totals (`storage`) and the live figures
 * (`metrics`). The server decides who may (server admins).
 */
import type { Command } from 'commander';
import type { AdminReport, Conversation, ServerInvite } from '@parley/protocol';
import { sumSamples, type AdminHttpClient } from '@parley/sdk/node';
import { positiveInt } from '../context';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';

type Client = (command: Command) => { http: AdminHttpClient; json: boolean };
type UserIdOf = (http: AdminHttpClient, username: string) => Promise<string>;

const when = (at: number | null, never: string): string => (at === null ? never : new Date(at).toISOString());

function inviteLine(invite: ServerInvite): string {
  const uses = invite.maxUses === null ? `${invite.uses} uses` : `${invite.uses}/${invite.maxUses} uses`;
  const state = invite.revokedAt !== null ? 'REVOKED' : `expires ${when(invite.expiresAt, 'never')}`;
  return `${invite.id}  ${uses.padEnd(12)} ${state}  ${invite.note}`.trimEnd();
}

function conversationLine(c: Conversation): string {
  const flags = c.archivedAt !== null ? ' ARCHIVED' : '';
  return `${c.id}  ${c.kind.padEnd(8)} ${String(c.memberCount).padStart(6)} members  ${c.title ?? ''}${flags}`;
}

function reportLine({ report, conversation }: AdminReport): string {
  const state = report.resolvedAt === null ? 'open' : 'closed';
  const text = report.message?.content.type === 'text' ? report.message.content.text.slice(0, 60) : '';
  return `${report.id}  ${state.padEnd(6)} ${conversation.title ?? conversation.id}  "${report.reason}"  ${text}`;
}

/** `7d`, `12h` or `30m` as seconds. */
function duration(raw: string): number {
  const match = /^(\d+)([dhm])$/.exec(raw);
  if (!match) throw new CliError(`--expires-in ${raw}: use a number of days, hours or minutes (7d, 12h, 30m)`);
  const unit = { d: 86_400, h: 3600, m: 60 }[match[2] as 'd' | 'h' | 'm'];
  return Number(match[1]) * unit;
}

export function registerConsoleCommands(admin: Command, conversation: Command, client: Client, userIdOf: UserIdOf) {
  const invites = admin
    .command('invites')
    .description('Server invites: the codes that let people sign up while registration is `invite`');
  invites
    .command('list', { isDefault: true })
    .description('List them, newest first (the codes themselves are never shown again)')
    .action(async (_opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const { invites: list } = await http.adminInvites();
      if (json) return printJson({ invites: list });
      for (const invite of list) printLine(inviteLine(invite));
    });
  invites
    .command('create')
    .description('Make an invite and print its code (shown this once)')
    .option('--uses <n>', 'sign-ups it allows (default: any number)', positiveInt('--uses', 100_000))
    .option('--expires-in <time>', 'it stops working after 7d, 12h, 30m... (default: never)')
    .option('--note <text>', 'what it is for (seen by admins only)')
    .action(async (opts: { uses?: number; expiresIn?: string; note?: string }, command: Command) => {
      const { http, json } = client(command);
      const made = await http.adminCreateInvite({
        ...(opts.uses === undefined ? {} : { maxUses: opts.uses }),
        ...(opts.expiresIn === undefined ? {} : { expiresInSeconds: duration(opts.expiresIn) }),
        ...(opts.note === undefined ? {} : { note: opts.note }),
      });
      if (json) return printJson(made);
      printLine(made.code);
      printLine(inviteLine(made.invite));
    });
  invites
    .command('revoke <inviteId>')
    .description('Revoke an invite: later sign-ups with its code are refused')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const { invite } = await http.adminRevokeInvite(id);
      if (json) return printJson({ invite });
      printLine(`revoked ${inviteLine(invite)}`);
    });

  conversation
    .command('list')
    .description('Groups and channels, newest first')
    .option('--query <text>', 'part of the title')
    .option('--kind <kind>', 'group or channel')
    .option('--limit <n>', 'at most this many (default 50)', positiveInt('--limit', 200), 50)
    .option('--before <id>', 'start after this one (paging)')
    .action(async (opts: { query?: string; kind?: string; limit: number; before?: string }, command: Command) => {
      if (opts.kind !== undefined && opts.kind !== 'group' && opts.kind !== 'channel')
        throw new CliError(`--kind ${opts.kind}: use group or channel`);
      const { http, json } = client(command);
      const page = await http.adminConversations({
        limit: opts.limit,
        ...(opts.query === undefined ? {} : { q: opts.query }),
        ...(opts.kind === undefined ? {} : { kind: opts.kind }),
        ...(opts.before === undefined ? {} : { cursor: opts.before }),
      });
      if (json) return printJson(page);
      for (const c of page.conversations) printLine(conversationLine(c));
      if (page.nextCursor !== null) printLine(`more: --before ${page.nextCursor}`);
    });
  conversation
    .command('members <conversationId>')
    .description('The members of any group or channel, with their roles')
    .option('--limit <n>', 'at most this many (default 50)', positiveInt('--limit', 200), 50)
    .option('--after <cursor>', 'the next page (as printed)')
    .action(async (id: string, opts: { limit: number; after?: string }, command: Command) => {
      const { http, json } = client(command);
      const page = await http.adminConversationMembers(id, {
        limit: opts.limit,
        ...(opts.after === undefined ? {} : { cursor: opts.after }),
      });
      if (json) return printJson(page);
      for (const m of page.members) printLine(`${m.userId}  ${m.role}`);
      if (page.nextCursor !== null) printLine(`more: --after ${page.nextCursor}`);
    });
  conversation
    .command('transfer <conversationId> <username>')
    .description('Make a member the owner (the old owners become admins of it)')
    .action(async (id: string, username: string, _opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const result = await http.adminTransferOwnership(id, await userIdOf(http, username));
      if (json) return printJson(result);
      printLine(`${username} now owns ${result.conversation.id} "${result.conversation.title ?? ''}"`);
    });

  admin
    .command('reports')
    .description('The reports of every conversation in one queue, newest first')
    .option('--all', 'closed ones too')
    .option('--limit <n>', 'at most this many (default 100)', positiveInt('--limit', 200), 100)
    .action(async (opts: { all?: boolean; limit: number }, command: Command) => {
      const { http, json } = client(command);
      const { reports } = await http.adminReports({ state: opts.all === true ? 'all' : 'open', limit: opts.limit });
      if (json) return printJson({ reports });
      for (const r of reports) printLine(reportLine(r));
    });
  const report = admin.command('report').description('Close a report of any conversation (audited)');
  for (const outcome of ['resolved', 'dismissed'] as const) {
    report
      .command(`${outcome === 'resolved' ? 'resolve' : 'dismiss'} <reportId>`)
      .description(outcome === 'resolved' ? 'Close it: it was acted on' : 'Close it: nothing wrong')
      .action(async (id: string, _opts: unknown, command: Command) => {
        const { http, json } = client(command);
        const result = await http.adminResolveReport(id, outcome);
        if (json) return printJson(result);
        printLine(`${outcome} ${result.report.id}`);
      });
  }

  admin
    .command('storage')
    .description('Accounts, conversations, files and the bytes they take')
    .action(async (_opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const storage = await http.adminStorage();
      if (json) return printJson(storage);
      printLine(`accounts: ${storage.users}`);
      printLine(`conversations: ${storage.conversations}`);
      printLine(`files: ${storage.files} (${storage.fileBytes} bytes)`);
      for (const u of storage.topUsers) printLine(`  ${u.username.padEnd(20)} ${u.files} file(s)  ${u.bytes} bytes`);
    });

  admin
    .command('metrics')
    .description("This node's live figures (what the console's dashboard shows)")
    .action(async (_opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const samples = await http.adminMetrics();
      if (json) return printJson({ samples });
      printLine(`connections: ${sumSamples(samples, 'parley_ws_connections')}`);
      printLine(`messages sent: ${sumSamples(samples, 'parley_messages_sent_total')}`);
      printLine(`errors: ${sumSamples(samples, 'parley_errors_total')}`);
      printLine(`event-loop lag: ${sumSamples(samples, 'parley_nodejs_eventloop_lag_seconds')} s`);
      printLine(`outbox pending: ${sumSamples(samples, 'parley_outbox_pending')}`);
    });
}
