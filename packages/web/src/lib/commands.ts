/**
 * Slash commands in the composer (docs/bots.md): which command is being typed, the
 * hint that shows its arguments, and the arguments read from what follows the name.
 * `name:value` sets an option by name; other words fill the options in order, and the
 * last option, when it is a string, takes the rest of the line. Quotes keep spaces
 * together. The server checks the arguments again and says what is wrong. Pure.
 */
import type { ConversationCommand } from '@parley/sdk';

/** The command name being typed (`/ro|`), while the caret is still in it; undefined otherwise. */
export function commandQuery(text: string, caret: number): string | undefined {
  const before = text.slice(0, caret);
  const match = /^\/([a-z0-9_-]*)$/.exec(before);
  return match === null ? undefined : match[1];
}

/** The commands whose name starts with `query`, names first then descriptions. */
export function commandMatches(query: string, commands: readonly ConversationCommand[]): ConversationCommand[] {
  return commands.filter((c) => c.name.startsWith(query.toLowerCase())).slice(0, 20);
}

/** Who answers a command, as the list shows it: the bot (`@dicebot`), or `built-in`. */
export function commandSource(command: ConversationCommand): string {
  return command.botUsername === undefined ? 'built-in' : `@${command.botUsername}`;
}

/** `/roll sides:number [colour:red|blue]`: required options plain, optional ones in brackets. */
export function commandHint(command: ConversationCommand): string {
  const parts = command.options.map((o) => {
    const type = o.type === 'choice' ? (o.choices ?? []).join('|') : o.type;
    const part = `${o.name}:${type}`;
    return o.required === true ? part : `[${part}]`;
  });
  return [`/${command.name}`, ...parts].join(' ');
}

/** The command a line invokes (`/name ...`), among those offered; undefined for any other text. */
export function invokedCommand(
  text: string,
  commands: readonly ConversationCommand[],
): { command: ConversationCommand; rest: string } | undefined {
  const match = /^\/([a-z0-9_-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (match === null) return undefined;
  const command = commands.find((c) => c.name === match[1]);
  return command === undefined ? undefined : { command, rest: (match[2] ?? '').trim() };
}

function words(rest: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(rest); m !== null; m = re.exec(rest)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

/** The arguments of `rest` for `command`, as strings (the server turns them into numbers and user ids). */
export function commandArgs(command: ConversationCommand, rest: string): Record<string, string> {
  const args: Record<string, string> = {};
  const positional: string[] = [];
  for (const word of words(rest)) {
    const named = /^([a-z0-9][a-z0-9_-]*):(.*)$/.exec(word);
    if (named !== null && command.options.some((o) => o.name === named[1])) args[named[1]!] = named[2] ?? '';
    else positional.push(word);
  }
  const open = command.options.filter((o) => args[o.name] === undefined);
  open.forEach((option, i) => {
    if (i >= positional.length) return;
    const last = i === open.length - 1;
    args[option.name] = last && option.type === 'string' ? positional.slice(i).join(' ') : positional[i]!;
  });
  // Words left over with no option to take them go to the server, which names the problem.
  if (positional.length > open.length && open.at(-1)?.type !== 'string')
    args['_extra'] = positional.slice(open.length).join(' ');
  return args;
}

/** The action of a `/me` message ("/me waves": "waves"), the convention of IRC and XMPP (XEP-0245); undefined for any other text. */
export function meAction(text: string): string | undefined {
  return text.startsWith('/me ') && text.slice(4).trim() !== '' ? text.slice(4) : undefined;
}
