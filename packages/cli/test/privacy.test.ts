/** `parley block|unblock|blocks|privacy` and `parley user search`: real child processes against a real server. */
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

describe('parley block and privacy commands', () => {
  it('blocks and unblocks, lists blocks, and shows and sets who sees your presence', async () => {
    for (const user of ['dee', 'eve']) {
      expect((await env.run(user, ['register', user, '--password', PW])).code).toBe(0);
    }
    expect((await env.run('dee', ['blocks'])).stdout).toBe('you have not blocked anyone\n');
    expect((await env.run('dee', ['user', 'search', 'ev'])).stdout).toBe('@eve  eve\n');
    expect((await env.run('dee', ['block', '@eve'])).stdout).toBe('blocked @eve\n');
    expect((await env.run('dee', ['user', 'search', 'ev'])).stdout).toBe('nobody found\n');
    expect((await env.run('dee', ['blocks'])).stdout).toMatch(/^@eve {2}/);
    // Eve cannot put Dee in a group: refused without saying why.
    const refused = await env.run('eve', ['group', 'create', 'Trap', '@dee']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/privacy_restricted/);
    expect(refused.stderr).not.toMatch(/block/i);
    expect((await env.run('dee', ['unblock', '@eve'])).stdout).toBe('unblocked @eve\n');
    expect((await env.run('eve', ['group', 'create', 'Fine', '@dee'])).code).toBe(0);

    expect((await env.run('dee', ['privacy'])).stdout).toBe('last seen and online status: everyone\n');
    expect((await env.run('dee', ['privacy', 'nobody'])).stdout).toBe('last seen and online status: nobody\n');
    expect(JSON.parse((await env.run('dee', ['--json', 'privacy'])).stdout)).toEqual({ presence: 'nobody' });
    const bad = await env.run('dee', ['privacy', 'friends']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a choice: friends/);
  }, 120_000);
});
