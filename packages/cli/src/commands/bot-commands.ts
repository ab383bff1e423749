/**
 * `parley bot commands list|add|remove|set`: a bot's slash commands (docs/bots.md "Slash
 * commands"), by its owner. The server keeps the whole list (`PUT /v1/bots/:id/commands`
 * replaces it): `add` and `remove` read it, change one command and write it back; `set`
 * replaces it from a JSON file (`-`: standard input), checked here first for a clear error.
 */
import { readFileSync } from 'node:fs';
import type { BotCommand, CommandOption } from '@parley/protocol';
import { checkValue, SetBotCommandsBody } from '@parley/protocol';
import type { Command } from 'commander';
import { globalOptions, requireSession } from '../context';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';
import { requireBot } from './bot';

export function commandLine(command: BotCommand): string {
  const options = command.options.map((o) => `${o.required ? '<' : '['}${o.name}:${o.type}${o.required ? '>' : ']'}`);
  return `/${[command.name, ...options].join(' ')}  ${command.description}`;
}

/** `name:type[:required]:description`, with `type` one of string, number, user or choice=a|b|c. */
function parseOption(spec: string): CommandOption {
  const [name, rawType, ...rest] = spec.split(':');
  const required = rest[0] === 'required';
  const description = (required ? rest.slice(1) : rest).join(':');
  const [type, choices] = (rawType ?? '').split('=');
  if (!name || !description || !['string', 'number', 'user', 'choice'].includes(type ?? '')) {
    throw new CliError(
      `--option ${spec} is not name:type[:required]:description`,
      'type is string, number, user or choice=a|b|c; e.g. --option "when:string:required:When to remind you"',
    );
  }
  return {
    name,
    description,
    type: type as CommandOption['type'],
    ...(required ? { required } : {}),
    ...(type === 'choice' ? { choices: (choices ?? '').split('|').filter(Boolean) } : {}),
  };
}

/** The list as the server would take it, or a CliError naming the first problems. */
function checked(commands: unknown): BotCommand[] {
  const result = checkValue(SetBotCommandsBody, { commands });
  if (!result.ok) {
    const problems = result.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    throw new CliError(`the commands are not valid: ${problems}`, 'see docs/bots.md, "Slash commands"');
  }
  return result.value.commands;
}

export function registerBotCommandCommands(bot: Command): void {
  const commands = bot.command('commands').description("A bot's slash commands: list, add, remove, set");

  commands
    .command('list <bot>', { isDefault: true })
    .description("List the bot's commands")
    .action(async (target: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { commands: list } = await session.http.botCommands((await requireBot(session, target)).user.id);
      if (json) return printJson({ commands: list });
      if (list.length === 0) return printLine('(no commands)');
      for (const c of list) printLine(commandLine(c));
    });

  commands
    .command('add <bot> <name> <description>')
    .description('Add a command (or replace the one of that name)')
    .option(
      '--option <spec...>',
      'an argument: name:type[:required]:description (type: string, number, user, choice=a|b)',
    )
    .action(
      async (target: string, name: string, description: string, opts: { option?: string[] }, command: Command) => {
        const { server, json } = globalOptions(command);
        const session = requireSession(server);
        const botId = (await requireBot(session, target)).user.id;
        const added: BotCommand = { name, description, options: (opts.option ?? []).map(parseOption) };
        const { commands: current } = await session.http.botCommands(botId);
        const next = checked([...current.filter((c) => c.name !== name), added]);
        const { commands: saved } = await session.http.setBotCommands(botId, next);
        if (json) return printJson({ commands: saved });
        printLine(`added ${commandLine(added)}`);
      },
    );

  commands
    .command('remove <bot> <name>')
    .description('Remove a command')
    .action(async (target: string, name: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const botId = (await requireBot(session, target)).user.id;
      const { commands: current } = await session.http.botCommands(botId);
      const wanted = name.replace(/^\//, '');
      if (!current.some((c) => c.name === wanted)) {
        throw new CliError(
          `the bot has no command /${wanted}`,
          'list them with `parley bot commands list`',
          'not_found',
        );
      }
      const { commands: saved } = await session.http.setBotCommands(
        botId,
        current.filter((c) => c.name !== wanted),
      );
      if (json) return printJson({ commands: saved });
      printLine(`removed /${wanted}`);
    });

  commands
    .command('set <bot> <file>')
    .description('Replace every command with those of a JSON file (an array, or {"commands": [...]}; - reads stdin)')
    .action(async (target: string, file: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
      } catch (error) {
        throw new CliError(`cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      const list = checked(Array.isArray(parsed) ? parsed : (parsed as { commands?: unknown }).commands);
      const session = requireSession(server);
      const { commands: saved } = await session.http.setBotCommands((await requireBot(session, target)).user.id, list);
      if (json) return printJson({ commands: saved });
      printLine(`the bot has ${saved.length} command(s)`);
      for (const c of saved) printLine(commandLine(c));
    });
}
