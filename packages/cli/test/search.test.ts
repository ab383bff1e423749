/** `parley search`: real child processes against a real server. */
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

describe('parley search', () => {
  it('finds messages of your conversations, filtered by conversation and sender', async () => {
    for (const user of ['sam', 'kim', 'lee']) {
      expect((await env.run(user, ['register', user, '--password', PW])).code).toBe(0);
    }
    expect((await env.run('sam', ['send', '@kim', 'the quarterly report is ready'])).code).toBe(0);
    expect((await env.run('kim', ['send', '@sam', 'Reporting back: quarterly numbers look fine'])).code).toBe(0);
    expect((await env.run('lee', ['send', '@sam', 'quarterly party?'])).code).toBe(0);

    const all = await env.run('kim', ['search', 'quarter rep']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(
      /^c_\S+ \[2\] \d\d:\d\d kim: Reporting back.*\nc_\S+ \[1\] \d\d:\d\d sam: the quarterly/,
    );
    // Lee's conversation with Sam is not Kim's to read.
    expect(all.stdout).not.toContain('party');

    const fromSam = await env.run('sam', ['--json', 'search', 'quarterly', '--from', '@kim']);
    const page = JSON.parse(fromSam.stdout) as { hits: { message: { content: { text: string } } }[] };
    expect(page.hits.map((h) => h.message.content.text)).toEqual(['Reporting back: quarterly numbers look fine']);

    const inLee = await env.run('sam', ['search', 'quarterly', '--in', '@lee']);
    expect(inLee.stdout).toMatch(/lee: quarterly party\?\n$/);
    const none = await env.run('sam', ['search', 'nothing-like-this']);
    expect(none.stdout).toBe('(no messages found)\n');
  }, 120_000); // several `parley` processes, each starting tsx
});
