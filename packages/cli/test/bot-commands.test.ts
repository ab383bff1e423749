/**
 * `parley bot commands ...` against a real server: the owner adds commands (with typed
 * arguments), lists them, removes one and replaces the list from a JSON file; an invalid
 * file gets a clear error before any request, and a command the bot lacks is `not_found`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCliTestEnv, type CliTestEnv } from './cli-harness';

let env: CliTestEnv;
const PW = 'correct horse battery';

beforeAll(async () => {
  env = await startCliTestEnv();
});
afterAll(async () => {
  await env.stop();
});

it("manages a bot's slash commands", { timeout: 240_000 }, async () => {
  expect((await env.run('owner', ['register', 'owner', '--password', PW])).code).toBe(0);
  expect((await env.run('owner', ['bot', 'create', 'helper'])).code).toBe(0);

  const added = await env.run('owner', [
    'bot',
    'commands',
    'add',
    '@helper',
    'remind',
    'Remind you later',
    '--option',
    'when:string:required:When to remind you',
    'tone:choice=soft|loud:How loud',
  ]);
  expect(added.stderr).toBe('');
  expect(added.stdout).toContain('added /remind <when:string> [tone:choice]  Remind you later');
  expect((await env.run('owner', ['bot', 'commands', 'add', '@helper', 'poll', 'Start a poll'])).code).toBe(0);
  const listed = await env.run('owner', ['--json', 'bot', 'commands', 'list', '@helper']);
  const { commands } = JSON.parse(listed.stdout) as { commands: { name: string; options: { choices?: string[] }[] }[] };
  expect(commands.map((c) => c.name)).toEqual(['poll', 'remind']); // the server lists them by name
  expect(commands.find((c) => c.name === 'remind')?.options[1]?.choices).toEqual(['soft', 'loud']);

  expect((await env.run('owner', ['bot', 'commands', 'remove', '@helper', '/remind'])).stdout).toContain(
    'removed /remind',
  );
  const missing = await env.run('owner', ['bot', 'commands', 'remove', '@helper', 'remind']);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toContain('the bot has no command /remind');

  const bad = path.join(env.dir, 'bad.json');
  writeFileSync(bad, JSON.stringify([{ name: 'Bad Name', description: 'x', options: [] }]));
  const refused = await env.run('owner', ['bot', 'commands', 'set', '@helper', bad]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain('the commands are not valid');
  const good = path.join(env.dir, 'good.json');
  writeFileSync(good, JSON.stringify({ commands: [{ name: 'help', description: 'What I can do', options: [] }] }));
  const set = await env.run('owner', ['bot', 'commands', 'set', '@helper', good]);
  expect(set.stdout).toContain('the bot has 1 command(s)');
  expect((await env.run('owner', ['bot', 'commands', 'list', '@helper'])).stdout.trim()).toBe('/help  What I can do');
});
