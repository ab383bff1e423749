/**
 * The rules of a bot message's components and of a command's arguments that the schema
 * cannot say (docs/bots.md): unique ids, at most 5 buttons and one select menu; arguments
 * that match their command's options. Pure: the service resolves users and raises errors.
 */
import {
  MAX_ARGUMENT_LENGTH,
  MAX_BUTTONS,
  type ArgumentValue,
  type BotCommand,
  type Component,
} from '@parley/protocol';

/** Why the components are refused, or null when they are fine. */
export function componentsProblem(components: readonly Component[]): string | null {
  const buttons = components.filter((c) => c.type === 'button').length;
  if (buttons > MAX_BUTTONS) return `at most ${MAX_BUTTONS} buttons`;
  if (components.length - buttons > 1) return 'at most one select menu';
  const ids = new Set(components.map((c) => c.id));
  if (ids.size !== components.length) return 'component ids must be unique';
  for (const c of components) {
    if (c.type === 'select' && new Set(c.options.map((o) => o.value)).size !== c.options.length) {
      return `the options of "${c.id}" must have unique values`;
    }
  }
  return null;
}

/** Why a command definition is refused, or null. */
export function commandProblem(command: BotCommand): string | null {
  const names = new Set(command.options.map((o) => o.name));
  if (names.size !== command.options.length) return `/${command.name}: option names must be unique`;
  for (const option of command.options) {
    if (option.type === 'choice' && !option.choices) return `/${command.name} ${option.name}: a choice needs choices`;
    if (option.type !== 'choice' && option.choices) {
      return `/${command.name} ${option.name}: only a choice option has choices`;
    }
  }
  return null;
}

export type ArgumentReason = 'missing' | 'unknown' | 'not_a_number' | 'not_a_choice' | 'too_long' | 'unknown_user';

/** A checked argument list, `user` arguments still as typed (the service resolves them). */
export type ArgumentCheck =
  | { ok: true; args: Record<string, string | number>; users: string[] }
  | { ok: false; option: string; reason: ArgumentReason };

/** Checks the arguments against the command's options; numbers may come as numeric strings. */
export function checkArguments(command: BotCommand, raw: Record<string, ArgumentValue>): ArgumentCheck {
  for (const name of Object.keys(raw)) {
    if (!command.options.some((o) => o.name === name)) return { ok: false, option: name, reason: 'unknown' };
  }
  const args: Record<string, string | number> = {};
  const users: string[] = [];
  for (const option of command.options) {
    const value = raw[option.name];
    const blank = value === undefined || (typeof value === 'string' && value.trim() === '');
    if (blank) {
      if (option.required === true) return { ok: false, option: option.name, reason: 'missing' };
      continue;
    }
    const text = typeof value === 'number' ? String(value) : value.trim();
    if (text.length > MAX_ARGUMENT_LENGTH) return { ok: false, option: option.name, reason: 'too_long' };
    switch (option.type) {
      case 'number': {
        const n = typeof value === 'number' ? value : Number(text);
        if (!Number.isFinite(n) || text === '') return { ok: false, option: option.name, reason: 'not_a_number' };
        args[option.name] = n;
        break;
      }
      case 'choice':
        if (!(option.choices ?? []).includes(text)) return { ok: false, option: option.name, reason: 'not_a_choice' };
        args[option.name] = text;
        break;
      case 'user':
        args[option.name] = text.replace(/^@/, '');
        users.push(option.name);
        break;
      case 'string':
        args[option.name] = text;
        break;
    }
  }
  return { ok: true, args, users };
}

/**
 * A message's components as plain text, for clients that cannot show them (XMPP): the
 * buttons in brackets on one line, a select menu's options after its placeholder. Empty
 * when there are none. Clicking needs a Parley app.
 */
export function componentsAsText(components: readonly Component[] | undefined): string {
  if (!components || components.length === 0) return '';
  const lines: string[] = [];
  const buttons = components.filter((c) => c.type === 'button');
  if (buttons.length > 0) lines.push(buttons.map((b) => `[${b.label}]`).join(' '));
  for (const c of components) {
    if (c.type === 'select') lines.push(`${c.placeholder ?? 'Choose'}: ${c.options.map((o) => o.label).join(' | ')}`);
  }
  return `\n\n${lines.join('\n')}`;
}
