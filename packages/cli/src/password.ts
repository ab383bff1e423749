/**
 * Where a password comes from: `--password`, else PARLEY_PASSWORD, else a prompt
 * on the terminal without echo. Without a terminal and without a password it
 * fails with a message saying how to pass one (scripts must never hang on a prompt).
 */
import { CliError } from './errors';

/** Reads a line from the TTY without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new CliError('cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}

export interface PasswordOptions {
  /** The `--password` option, if given. */
  password?: string | undefined;
  /** Ask twice and compare (new passwords). */
  confirm?: boolean;
  /** The prompt, e.g. "Password for alice: ". */
  prompt: string;
}

/** The password to use, from the option, the environment or the terminal. */
export async function readPassword(options: PasswordOptions): Promise<string> {
  if (options.password !== undefined && options.password !== '') return options.password;
  const fromEnv = process.env['PARLEY_PASSWORD'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new CliError(
      'no password given and no terminal to ask for one',
      'pass --password <password> or set the PARLEY_PASSWORD environment variable',
    );
  }
  const first = await promptHidden(options.prompt);
  if (options.confirm) {
    const second = await promptHidden('Repeat it: ');
    if (first !== second) throw new CliError('the two passwords differ', 'run the command again');
  }
  if (first === '') throw new CliError('empty password', 'type a password, or pass --password <password>');
  return first;
}
