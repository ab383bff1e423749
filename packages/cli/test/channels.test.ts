/** `parley channel`, `parley invite`, `parley ban|mute|kick`: real child processes against a real server. */
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

describe('parley channel, invite and moderation commands', () => {
  it('creates, lists and joins channels; invites into a private one; mutes, bans and kicks', async () => {
    for (const user of ['ana', 'ben', 'cy']) {
      expect((await env.run(user, ['register', user, '--password', PW])).code).toBe(0);
    }
    const created = await env.run('ana', ['--json', 'channel', 'create', 'Town square', '--topic', 'all things town']);
    expect(created.code).toBe(0);
    const town = (JSON.parse(created.stdout) as { conversation: { id: string } }).conversation.id;

    const listed = await env.run('ben', ['channel', 'list', 'town']);
    expect(listed.stdout).toBe(`${town}  Town square (1 member) - all things town\n`);
    expect((await env.run('ben', ['channel', 'join', town])).stdout).toBe('joined "Town square" (2 members)\n');
    expect((await env.run('ben', ['channel', 'list', 'town'])).stdout).toContain('(2 members) [joined]');

    const secret = await env.run('ana', ['--json', 'channel', 'create', 'Back room', '--private', '--broadcast']);
    const room = (JSON.parse(secret.stdout) as { conversation: { id: string } }).conversation.id;
    const refused = await env.run('cy', ['channel', 'join', room]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/private/);
    const invite = await env.run('ana', ['invite', 'create', room, '--expires', '1h', '--max-uses', '1']);
    const code = /^(\S{22}) \(until .*, 1 use\)$/m.exec(invite.stdout)?.[1];
    expect(code).toBeDefined();
    expect((await env.run('cy', ['invite', 'accept', code!])).stdout).toBe(`joined "Back room" (${room})\n`);
    const used = await env.run('ben', ['invite', 'accept', code!]);
    expect(used.code).toBe(1);
    expect(used.stderr).toMatch(/used up/);

    expect((await env.run('ana', ['mute', town, '@ben', '--for', '10m'])).stdout).toBe('muted @ben for 600 s\n');
    const muted = await env.run('ben', ['send', town, 'hello?']);
    expect(muted.code).toBe(1);
    expect(muted.stderr).toMatch(/muted/i);
    expect((await env.run('ana', ['mute', town, '@ben', '--lift'])).stdout).toBe('unmuted @ben\n');
    expect((await env.run('ben', ['send', town, 'hello!'])).code).toBe(0);

    expect((await env.run('ana', ['ban', town, '@ben', '--for', '1h', '--reason', 'spam'])).stdout).toBe(
      'banned @ben for 3600 s\n',
    );
    const banned = await env.run('ben', ['channel', 'join', town]);
    expect(banned.code).toBe(1);
    expect(banned.stderr).toMatch(/banned/i);
    expect((await env.run('ana', ['ban', town, '@ben', '--lift'])).stdout).toBe('lifted the ban of @ben\n');
    expect((await env.run('ben', ['channel', 'join', town])).code).toBe(0);
    expect((await env.run('ana', ['kick', town, '@ben'])).stdout).toBe('removed @ben\n');
    const bad = await env.run('ana', ['ban', town, '@ben', '--for', 'soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a duration/);
  }, 120_000); // about twenty `parley` processes, each starting tsx: slow on a loaded machine

  it('counts the members of channels and groups, in the singular for one', async () => {
    for (const user of ['dee', 'eli', 'fay']) {
      expect((await env.run(user, ['register', user, '--password', PW])).code).toBe(0);
    }
    const created = await env.run('dee', ['channel', 'create', 'Solo corner']);
    const solo = /^created public channel "Solo corner" \((\S+)\) with 1 member$/m.exec(created.stdout)?.[1];
    expect(solo, created.stdout).toBeDefined();
    expect((await env.run('eli', ['channel', 'list', 'solo'])).stdout).toBe(`${solo}  Solo corner (1 member)\n`);
    // A channel's member list is paged, not in the conversation: the count comes from memberCount.
    expect((await env.run('dee', ['conversations'])).stdout).toContain(`${solo}  Solo corner (1 member)  read`);
    expect((await env.run('eli', ['channel', 'join', solo!])).stdout).toBe('joined "Solo corner" (2 members)\n');
    expect((await env.run('dee', ['conversations'])).stdout).toContain(`${solo}  Solo corner (2 members)`);
    const pair = await env.run('dee', ['channel', 'create', 'Pair', '@fay']);
    expect(pair.stdout).toMatch(/^created public channel "Pair" \(\S+\) with 2 members$/m);
    const group = await env.run('dee', ['group', 'create', 'Trio', '@eli', '@fay']);
    expect(group.stdout).toMatch(/^created group "Trio" \(\S+\) with 3 members$/m);
    expect((await env.run('fay', ['conversations'])).stdout).toMatch(/ {2}Trio \(3 members\)/);
  }, 120_000);
});
