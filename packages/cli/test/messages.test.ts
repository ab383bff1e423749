/** `parley send --reply-to/--thread`, `edit`, `delete`, `react`: real child processes against a real server. */
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

interface Sent {
  message: { id: string; seq: number; conversationId: string };
}

describe('parley message changes', () => {
  it('replies, reacts, edits and deletes, and history shows the result', async () => {
    for (const user of ['ann', 'ben']) {
      expect((await env.run(user, ['register', user, '--password', PW])).code).toBe(0);
    }
    const first = JSON.parse((await env.run('ann', ['--json', 'send', '@ben', 'lunch at noon?'])).stdout) as Sent;
    const { id } = first.message;
    const reply = await env.run('ben', ['send', '@ann', 'yes!', '--reply-to', id]);
    expect(reply.stdout).toMatch(/ben \(replying to \[1\]\): yes!/);
    const threaded = await env.run('ben', ['send', '@ann', 'where?', '--thread', id]);
    expect(threaded.stdout).toContain(`(in thread ${id})`);

    expect((await env.run('ben', ['react', id, '👍'])).stdout).toMatch(/lunch at noon\?\s+👍1\n$/);
    expect((await env.run('ben', ['react', id, 'thumbs'])).code).toBe(1);
    expect((await env.run('ann', ['edit', id, 'lunch at one?'])).stdout).toMatch(
      /ann: lunch at one\? \(edited\) {2}👍1\n$/,
    );
    const notMine = await env.run('ben', ['edit', id, 'hijacked']);
    expect(notMine.code).toBe(1);
    expect(notMine.stderr).toContain('forbidden');
    expect((await env.run('ben', ['react', id, '👍', '--remove'])).stdout).toMatch(/lunch at one\? \(edited\)\n$/);

    const history = await env.run('ann', ['history', '@ben']);
    expect(history.stdout).toMatch(/\* ben reacted 👍 to /);
    expect(history.stdout).toMatch(/\* ann edited .*: lunch at one\?/);
    expect((await env.run('ann', ['delete', id])).stdout).toMatch(/ann: \(deleted\)\n$/);
    const after = JSON.parse((await env.run('ben', ['--json', 'history', '@ann'])).stdout) as {
      messages: { id: string; content: { type: string } }[];
    };
    expect(after.messages.find((m) => m.id === id)?.content).toEqual({ type: 'deleted' });
  }, 120_000); // a dozen `parley` processes, each starting tsx
});
