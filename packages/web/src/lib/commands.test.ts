import type { ConversationCommand } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import {
  commandArgs,
  commandHint,
  commandMatches,
  commandQuery,
  commandSource,
  invokedCommand,
  meAction,
} from './commands';

const roll: ConversationCommand = {
  name: 'roll',
  description: 'Roll a die',
  botId: 'u_bot',
  botUsername: 'dice',
  options: [
    { name: 'sides', description: 'Sides', type: 'number', required: true },
    { name: 'colour', description: 'Colour', type: 'choice', choices: ['red', 'blue'] },
  ],
};
const say: ConversationCommand = {
  name: 'say',
  description: 'Say it',
  botId: 'u_bot',
  botUsername: 'dice',
  options: [
    { name: 'to', description: 'Who', type: 'user', required: true },
    { name: 'text', description: 'What', type: 'string' },
  ],
};

describe('slash commands in the composer', () => {
  it('knows when a command name is being typed', () => {
    expect(commandQuery('/ro', 3)).toBe('ro');
    expect(commandQuery('/', 1)).toBe('');
    expect(commandQuery('/roll 6', 7)).toBeUndefined();
    expect(commandQuery('a /ro', 5)).toBeUndefined();
    expect(commandMatches('r', [roll, say]).map((c) => c.name)).toEqual(['roll']);
  });

  it('hints required and optional arguments', () => {
    expect(commandHint(roll)).toBe('/roll sides:number [colour:red|blue]');
  });

  it('reads positional and named arguments, the last string taking the rest', () => {
    expect(invokedCommand('/roll 20 red', [roll])).toEqual({ command: roll, rest: '20 red' });
    expect(invokedCommand('/nope 1', [roll])).toBeUndefined();
    expect(invokedCommand('hello /roll', [roll])).toBeUndefined();
    expect(commandArgs(roll, '20 red')).toEqual({ sides: '20', colour: 'red' });
    expect(commandArgs(roll, 'colour:blue 6')).toEqual({ colour: 'blue', sides: '6' });
    expect(commandArgs(say, '@ann hello there "you"')).toEqual({ to: '@ann', text: 'hello there you' });
    expect(commandArgs(roll, '1 red extra')).toEqual({ sides: '1', colour: 'red', _extra: 'extra' });
  });

  it('names who answers: the bot, or built-in', () => {
    const builtin: ConversationCommand = { name: 'me', description: 'Act', options: [], builtin: true };
    expect(commandSource(builtin)).toBe('built-in');
    expect(commandSource({ ...builtin, builtin: undefined, botId: 'u_1', botUsername: 'dice' })).toBe('@dice');
  });

  it('reads the action of a /me message, and nothing else', () => {
    expect(meAction('/me waves at you')).toBe('waves at you');
    expect(meAction('/me ')).toBeUndefined();
    expect(meAction('/meow')).toBeUndefined();
    expect(meAction('I said /me waves')).toBeUndefined();
  });
});
