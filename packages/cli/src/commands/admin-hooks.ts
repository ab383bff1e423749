/**
 * `parley admin hook ...`: the pre-send hooks over the admin API (docs/bots.md
 * "Pre-send hooks", ADR 0030): add one (its signing secret is printed once), list,
 * change its filters, deadline or policy, enable, disable, remove.
 */
import type { Command } from 'commander';
import type { PresendContentType, PresendHook, PresendPolicy, UpdatePresendHookBody } from '@parley/protocol';
import { PRESEND_DEADLINE_MAX_MS, PRESEND_DEADLINE_MIN_MS } from '@parley/protocol';
import type { AdminHttpClient } from '@parley/sdk/node';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';

type Client = (command: Command) => { http: AdminHttpClient; json: boolean };

interface FilterOptions {
  conversation?: string[];
  allConversations?: boolean;
  types?: string;
  deadline?: string;
  policy?: string;
}

export function hookLine(hook: PresendHook): string {
  const where = hook.conversationIds === null ? 'all conversations' : hook.conversationIds.join(',');
  const state = hook.enabled ? 'enabled' : 'disabled';
  return `${hook.id}  ${hook.url}  [${hook.contentTypes.join(',')}] ${where}  ${hook.deadlineMs} ms  fail-${hook.policy}  ${state}`;
}

function policyOf(raw: string): PresendPolicy {
  if (raw === 'open' || raw === 'closed') return raw;
  throw new CliError(`--policy must be open or closed, not ${raw}`);
}

function typesOf(raw: string): PresendContentType[] {
  const types = [...new Set(raw.split(',').map((t) => t.trim()))];
  if (types.length === 0 || types.some((t) => t !== 'text' && t !== 'file')) {
    throw new CliError(`--types takes text, file or text,file, not ${raw}`);
  }
  return types as PresendContentType[];
}

function deadlineOf(raw: string): number {
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < PRESEND_DEADLINE_MIN_MS || ms > PRESEND_DEADLINE_MAX_MS) {
    throw new CliError(
      `--deadline must be an integer between ${PRESEND_DEADLINE_MIN_MS} and ${PRESEND_DEADLINE_MAX_MS} ms, not ${raw}`,
    );
  }
  return ms;
}

/** The filters given on the command line, as a patch. */
function filters(opts: FilterOptions): UpdatePresendHookBody {
  if (opts.conversation && opts.allConversations) {
    throw new CliError('give --conversation or --all-conversations, not both');
  }
  return {
    ...(opts.conversation ? { conversationIds: opts.conversation } : {}),
    ...(opts.allConversations ? { conversationIds: null } : {}),
    ...(opts.types === undefined ? {} : { contentTypes: typesOf(opts.types) }),
    ...(opts.deadline === undefined ? {} : { deadlineMs: deadlineOf(opts.deadline) }),
    ...(opts.policy === undefined ? {} : { policy: policyOf(opts.policy) }),
  };
}

export function registerHookCommands(admin: Command, client: Client): void {
  const hook = admin
    .command('hook')
    .description('Pre-send hooks: URLs that allow, change or reject each message before it is stored');

  const withFilters = (command: Command) =>
    command
      .option('--conversation <id...>', 'only messages of these conversations')
      .option('--types <types>', 'which messages: text, file or text,file')
      .option('--deadline <ms>', `time to answer (${PRESEND_DEADLINE_MIN_MS}-${PRESEND_DEADLINE_MAX_MS} ms)`)
      .option('--policy <policy>', 'on timeout or error: open (let through) or closed (refuse)');

  withFilters(hook.command('add <url>').description('Add a hook; prints its signing secret once'))
    .option('--disabled', 'add it disabled')
    .action(async (url: string, opts: FilterOptions & { disabled?: boolean }, command: Command) => {
      const { http, json } = client(command);
      const { conversationIds, ...rest } = filters(opts);
      const created = await http.adminAddPresendHook({
        url,
        ...rest,
        ...(conversationIds ? { conversationIds } : {}),
        ...(opts.disabled ? { enabled: false } : {}),
      });
      if (json) return printJson(created);
      printLine(`added ${hookLine(created.hook)}`);
      printLine(`signing secret (shown once): ${created.secret}`);
    });

  hook
    .command('list', { isDefault: true })
    .description('List the hooks in the order they run')
    .action(async (_opts: unknown, command: Command) => {
      const { http, json } = client(command);
      const { hooks } = await http.adminPresendHooks();
      if (json) return printJson({ hooks });
      if (hooks.length === 0) return printLine('(no pre-send hooks)');
      for (const h of hooks) printLine(hookLine(h));
    });

  withFilters(hook.command('set <id>').description("Change a hook's filters, deadline or policy"))
    .option('--all-conversations', 'every conversation again')
    .action(async (id: string, opts: FilterOptions, command: Command) => {
      const patch = filters(opts);
      if (Object.keys(patch).length === 0)
        throw new CliError('nothing to change', 'see `parley admin hook set --help`');
      const { http, json } = client(command);
      const { hook: updated } = await http.adminUpdatePresendHook(id, patch);
      if (json) return printJson({ hook: updated });
      printLine(hookLine(updated));
    });

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    hook
      .command(`${name} <id>`)
      .description(enabled ? 'Call the hook again' : 'Stop calling the hook (kept with its secret)')
      .action(async (id: string, _opts: unknown, command: Command) => {
        const { http, json } = client(command);
        const { hook: updated } = await http.adminUpdatePresendHook(id, { enabled });
        if (json) return printJson({ hook: updated });
        printLine(hookLine(updated));
      });
  }

  hook
    .command('remove <id>')
    .description('Remove a hook')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const { http, json } = client(command);
      await http.adminRemovePresendHook(id);
      if (json) return printJson({ removed: id });
      printLine(`removed ${id}`);
    });
}
