/**
 * End-to-end tests of the `parley` command: real child processes against a real
 * server, as a user would run them. Each test names who runs what.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

describe('user administration', () => {
  it('adds, lists and resets passwords through the store', async () => {
    const added = await env.run('admin', ['user', 'add', 'carol', '--password', PW, '--display-name', 'Carol C']);
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toMatch(/created carol \(u_/);

    // The password may also come from PARLEY_PASSWORD.
    const fromEnv = await env.run('admin', ['user', 'add', 'dan'], { env: { PARLEY_PASSWORD: PW } });
    expect(fromEnv.code).toBe(0);

    const listed = await env.run('admin', ['--json', 'user', 'list']);
    expect(listed.code).toBe(0);
    const { users } = JSON.parse(listed.stdout) as { users: { username: string; displayName: string }[] };
    expect(users.map((u) => u.username)).toEqual(['carol', 'dan']);
    expect(users[0]?.displayName).toBe('Carol C');
    const limited = await env.run('admin', ['user', 'list', '--limit', '1']);
    expect(limited.stdout.trim().split('\n')).toHaveLength(1);

    // Carol can log in over HTTP; after a reset only the new password works.
    expect((await env.run('carol', ['login', 'carol', '--password', PW])).code).toBe(0);
    const reset = await env.run('admin', ['user', 'passwd', 'carol', '--password', 'a brand new one']);
    expect(reset.code).toBe(0);
    const stale = await env.run('carol', ['conversations']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('token_invalid');
    expect(stale.stderr).toContain('parley login');
    expect((await env.run('carol', ['login', 'carol', '--password', PW])).code).toBe(1);
    expect((await env.run('carol', ['login', 'carol', '--password', 'a brand new one'])).code).toBe(0);
  });

  it('rotates the store epoch (after restoring a backup)', async () => {
    const first = await env.run('admin', ['--json', 'store', 'rotate-epoch']);
    expect(first.code).toBe(0);
    const second = await env.run('admin', ['--json', 'store', 'rotate-epoch']);
    const epochs = [first, second].map((r) => (JSON.parse(r.stdout) as { epoch: string }).epoch);
    expect(epochs[0]).toMatch(/^[\w-]{8,}$/);
    expect(epochs[1]).not.toBe(epochs[0]);
    const plain = await env.run('admin', ['store', 'rotate-epoch']);
    expect(plain.stdout).toMatch(/new store epoch \S+: clients will resync/);
  });

  it('refuses bad input with a hint and exit code 1', async () => {
    const noPassword = await env.run('admin', ['user', 'add', 'erin']);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('--password');
    expect(noPassword.stderr).toContain('PARLEY_PASSWORD');
    const badName = await env.run('admin', ['user', 'add', 'X', '--password', PW]);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('invalid username');
    const unknown = await env.run('admin', ['user', 'passwd', 'nobody', '--password', PW]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not_found');
    expect(unknown.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('register, login, send, history', () => {
  it('saves the token per server with mode 0600 and chats', async () => {
    const [alice, bob] = await Promise.all([
      env.run('alice', ['register', 'alice', '--password', PW]),
      env.run('bob', ['register', 'bob', '--password', PW, '--display-name', 'Bob']),
    ]);
    expect(alice.code).toBe(0);
    expect(bob.code).toBe(0);
    const file = path.join(env.dir, 'users', 'alice', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const sent = await env.run('alice', ['send', '@bob', 'hello', 'bob']);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^\[1\] \d\d:\d\d alice: hello bob\n$/);
    const piped = await env.run('bob', ['--json', 'send', '@alice', '-'], { stdin: 'from a pipe\n' });
    expect(piped.code).toBe(0);
    const { message } = JSON.parse(piped.stdout) as { message: { seq: number; content: { text: string } } };
    expect(message).toMatchObject({ seq: 2, content: { text: 'from a pipe' } });

    const history = await env.run('bob', ['history', '@alice']);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/\[1\] \d\d:\d\d alice: hello bob\n\[2\] \d\d:\d\d bob: from a pipe\n/);
    const page = await env.run('bob', ['--json', 'history', '@alice', '--limit', '1', '--before', '2']);
    const parsed = JSON.parse(page.stdout) as { messages: { seq: number }[] };
    expect(parsed.messages.map((m) => m.seq)).toEqual([1]);

    const list = await env.run('bob', ['conversations']);
    expect(list.stdout).toContain('@alice');
    const listJson = JSON.parse((await env.run('alice', ['--json', 'conversations'])).stdout) as {
      conversations: { unreadCount: number }[];
    };
    expect(listJson.conversations[0]?.unreadCount).toBe(1);

    const group = await env.run('alice', ['group', 'create', 'Team', '@bob', '@carol']);
    expect(group.code).toBe(0);
    const groupId = /\((c_[A-Za-z0-9_-]+)\)/.exec(group.stdout)?.[1];
    expect(groupId).toBeDefined();
    expect((await env.run('bob', ['send', groupId!, 'hi team'])).code).toBe(0);

    // Logout forgets the token: the next command says how to log in.
    expect((await env.run('bob', ['logout'])).code).toBe(0);
    const after = await env.run('bob', ['history', '@alice']);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('not logged in');
    expect(after.stderr).toContain('parley login');
  });

  it('explains the usual mistakes', async () => {
    const notLoggedIn = await env.run('nobody', ['send', '@alice', 'hi']);
    expect(notLoggedIn.code).toBe(1);
    expect(notLoggedIn.stderr).toContain('run `parley login <username>`');

    const wrongPassword = await env.run('mallory', ['login', 'alice', '--password', 'not the password']);
    expect(wrongPassword.code).toBe(1);
    expect(wrongPassword.stderr).toContain('invalid_credentials');

    const unknownUser = await env.run('alice', ['send', '@ghost', 'boo']);
    expect(unknownUser.code).toBe(1);
    expect(unknownUser.stderr).toContain('no user named @ghost');

    const taken = await env.run('mallory', ['register', 'alice', '--password', PW]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('username_taken');

    const down = await env.run('alice', ['--server', 'http://127.0.0.1:9', 'conversations']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('not logged in'); // no token for that server
    for (const result of [notLoggedIn, wrongPassword, unknownUser, taken, down]) {
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('tail', () => {
  it('shows what another process sends, live', async () => {
    await Promise.all([
      env.run('tina', ['register', 'tina', '--password', PW]),
      env.run('sam', ['register', 'sam', '--password', PW]),
    ]);
    expect((await env.run('sam', ['send', '@tina', 'before tail'])).code).toBe(0);
    const tail = env.spawn('tina', ['tail', '@sam']);
    try {
      await tail.waitFor('stdout', 'sam: before tail');
      await tail.waitFor('stderr', 'following');
      expect((await env.run('sam', ['send', '@tina', 'live', 'one'])).code).toBe(0);
      await tail.waitFor('stdout', /\[2\] \d\d:\d\d sam: live one/);
    } finally {
      expect(await tail.interrupt()).toBe(0);
    }
    expect(tail.stdout().match(/before tail/g)).toHaveLength(1);
  });

  it('marks what it shows as read, and leaves it unread with --no-mark-read', async () => {
    await Promise.all(['uma', 'vic', 'wes'].map((user) => env.run(user, ['register', user, '--password', PW])));
    /** Uma's unread count and read cursor in the conversation whose last message is `last`, as the server has them. */
    const readState = async (last: string) => {
      const { conversations } = JSON.parse((await env.run('uma', ['--json', 'conversations'])).stdout) as {
        conversations: { unreadCount: number; readSeq: number; lastMessage: { content: { text?: string } } | null }[];
      };
      const found = conversations.find((c) => c.lastMessage?.content.text === last);
      return found && { unread: found.unreadCount, readSeq: found.readSeq };
    };
    for (const peer of ['vic', 'wes']) {
      expect((await env.run(peer, ['send', '@uma', 'before tail'])).code).toBe(0);
      expect((await env.run(peer, ['send', '@uma', 'still before'])).code).toBe(0);
    }

    const tail = env.spawn('uma', ['tail', '@vic']);
    try {
      await tail.waitFor('stderr', 'following');
      expect((await env.run('vic', ['send', '@uma', 'live', 'one'])).code).toBe(0);
      await tail.waitFor('stdout', 'vic: live one');
    } finally {
      // Ctrl-C waits for the last read receipt.
      expect(await tail.interrupt()).toBe(0);
    }
    expect(await readState('live one')).toEqual({ unread: 0, readSeq: 3 });

    const peek = env.spawn('uma', ['tail', '@wes', '--no-mark-read']);
    try {
      await peek.waitFor('stderr', 'following');
      expect((await env.run('wes', ['send', '@uma', 'live', 'two'])).code).toBe(0);
      await peek.waitFor('stdout', 'wes: live two');
    } finally {
      expect(await peek.interrupt()).toBe(0);
    }
    expect(await readState('live two')).toEqual({ unread: 3, readSeq: 0 });
  }, 120_000); // ten `parley` processes, each starting tsx

  it('waits for a user who has not registered yet', async () => {
    await env.run('wanda', ['register', 'wanda', '--password', PW]);
    const tail = env.spawn('wanda', ['tail', '@late']);
    try {
      await tail.waitFor('stderr', 'waiting for @late');
      expect((await env.run('late', ['register', 'late', '--password', PW])).code).toBe(0);
      await tail.waitFor('stderr', 'following');
      expect((await env.run('late', ['send', '@wanda', 'sorry I am late'])).code).toBe(0);
      await tail.waitFor('stdout', 'late: sorry I am late');
    } finally {
      expect(await tail.interrupt()).toBe(0);
    }
  });
});

describe('send --file', () => {
  it('uploads a file with progress, sends it with a caption, and the other side can fetch it', async () => {
    expect((await env.run('fay', ['register', 'fay', '--password', PW])).code).toBe(0);
    expect((await env.run('gus', ['register', 'gus', '--password', PW])).code).toBe(0);
    const file = path.join(env.dir, 'notes.txt');
    writeFileSync(file, 'meeting notes\n'.repeat(5000));
    const sent = await env.run('fay', ['send', '@gus', '--file', file, 'the', 'notes']);
    expect(sent.code).toBe(0);
    expect(sent.stderr).toContain('uploading notes.txt: 100%');
    expect(sent.stdout).toMatch(
      /^\[1\] \d\d:\d\d fay: \[file notes\.txt, 70 KB, application\/octet-stream, id f_\w+\] the notes\n$/,
    );

    const history = await env.run('gus', ['--json', 'history', '@fay']);
    const { messages } = JSON.parse(history.stdout) as { messages: { content: { type: string; fileId: string } }[] };
    const content = messages[0]!.content;
    expect(content.type).toBe('file');
    const gus = await env.run('gus', ['--json', 'conversations']);
    expect(gus.code).toBe(0);
    expect(readFileSync(file).length).toBe(70_000);

    const missing = await env.run('fay', ['send', '@gus', '--file', path.join(env.dir, 'nope.bin')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
  });
});
