/**
 * `parley admin retention ...` against a real server: the admin sets the policy, puts a
 * user on legal hold, runs retention (old messages go, the held user's stay), lists and
 * lifts the hold; a plain user is refused. The server's clock is moved forward by the
 * test (messages must be older than the policy's days).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCliTestEnv, type CliTestEnv } from './cli-harness';

let env: CliTestEnv;
const PW = 'retention cli password';
let offset = 0;

beforeAll(async () => {
  env = await startCliTestEnv(
    { retentionIntervalSeconds: 0 },
    {
      clock: {
        now: () => Date.now() + offset,
        setTimeout(fn, ms) {
          const handle = setTimeout(fn, ms);
          return { cancel: () => clearTimeout(handle) };
        },
      },
    },
  );
});
afterAll(async () => {
  await env.stop();
});

it('sets the policy, holds a user, runs, and lifts the hold', { timeout: 300_000 }, async () => {
  for (const user of ['root', 'ann', 'ben']) {
    expect((await env.run(user, ['register', user, '--password', PW])).code).toBe(0);
  }
  expect((await env.run('ann', ['send', '@ben', 'old words of ann'])).code).toBe(0);
  expect((await env.run('ben', ['send', '@ann', 'old words of ben'])).code).toBe(0);
  offset += 3 * 86_400_000;

  const refused = await env.run('ann', ['admin', 'retention', 'show']);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/administrator/);

  const set = await env.run('root', ['admin', 'retention', 'set', '2']);
  expect(set.stdout).toContain('keep messages: 2 days');
  const bad = await env.run('root', ['admin', 'retention', 'set', 'soon']);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('number of days');

  const hold = await env.run('root', ['admin', 'retention', 'hold', 'add', '--user', 'ben', '--reason', 'case 9']);
  expect(hold.stdout).toMatch(/^held: lh_\S+\s+user/);
  const holdId = /held: (lh_\S+)/.exec(hold.stdout)?.[1] ?? '';

  // Before deleting, the admin exports ben's messages (JSON lines on stdout).
  const exported = await env.run('root', ['admin', 'export', '--user', 'ben']);
  const lines = exported.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; message?: { content: { text?: string } } });
  expect(lines.map((l) => l.type)).toEqual(['export', 'message', 'end']);
  expect(lines[1]?.message?.content.text).toBe('old words of ben');

  const run = await env.run('root', ['admin', 'retention', 'run']);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^deleted [1-9]\d* message\(s\)/);
  const history = await env.run('ann', ['history', '@ben']);
  expect(history.stdout).toContain('old words of ben');
  expect(history.stdout).not.toContain('old words of ann');

  const show = JSON.parse((await env.run('root', ['--json', 'admin', 'retention', 'show'])).stdout) as {
    policy: { days: number };
    holds: { id: string }[];
  };
  expect(show.policy.days).toBe(2);
  expect(show.holds.map((h) => h.id)).toEqual([holdId]);
  expect((await env.run('root', ['admin', 'retention', 'hold', 'remove', holdId])).stdout).toContain('lifted');
  expect((await env.run('root', ['admin', 'retention', 'hold', 'list'])).stdout).toBe('');
  // Now nothing holds ben's words back.
  expect((await env.run('root', ['admin', 'retention', 'run'])).stdout).toMatch(/^deleted [1-9]/);
  expect((await env.run('ann', ['history', '@ben'])).stdout).not.toContain('old words of ben');
});
