/** `parley contacts` and `parley contact add|set|remove`: real child processes against a real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliTestEnv, type CliTestEnv } from './cli-harness';

let env: CliTestEnv;
const PW = 'correct horse battery';

beforeAll(async () => {
  env = await startCliTestEnv();
});
afterAll(async () => {
  await env.stop();
});

describe('parley contact commands', () => {
  it('adds a contact, sets and clears its nickname and groups, lists and removes it', async () => {
    for (const user of ['fay', 'gus']) {
      expect((await env.run(user, ['register', user, '--password', PW])).code).toBe(0);
    }
    expect((await env.run('fay', ['contacts'])).stdout).toBe('you have no contacts\n');
    expect((await env.run('fay', ['contact', 'add', '@gus'])).stdout).toBe('added @gus to your contacts\n');
    const set = await env.run('fay', [
      'contact',
      'set',
      '@gus',
      '--nickname',
      'Gussie',
      '--group',
      'Band',
      '--group',
      'Work',
    ]);
    expect(set.stdout).toBe('@gus  gus  "Gussie"  [Band, Work]\n');
    expect((await env.run('fay', ['contacts'])).stdout).toBe('@gus  gus  "Gussie"  [Band, Work]\n');
    expect((await env.run('fay', ['contact', 'set', '@gus', '--clear-nickname', '--no-groups'])).stdout).toBe(
      '@gus  gus\n',
    );
    const json = JSON.parse((await env.run('fay', ['--json', 'contacts'])).stdout) as { contacts: unknown[] };
    expect(json.contacts).toEqual([expect.objectContaining({ nickname: null, groups: [] })]);
    const nothing = await env.run('fay', ['contact', 'set', '@gus']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/nothing to set/);
    const tooLong = await env.run('fay', ['contact', 'set', '@gus', '--nickname', 'n'.repeat(101)]);
    expect(tooLong.code).toBe(1);
    expect((await env.run('fay', ['contact', 'remove', '@gus'])).stdout).toBe('removed @gus from your contacts\n');
    expect((await env.run('fay', ['contacts'])).stdout).toBe('you have no contacts\n');
  }, 120_000);
});
