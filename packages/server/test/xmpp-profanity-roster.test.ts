/**
 * Tried as a new user would, with profanity (Debian's terminal XMPP client, driven
 * inside tmux with a throwaway HOME): `/register` signs up by XEP-0077, `/connect`
 * logs in, `/roster add` and `/roster nick` name a contact, which the native API sees
 * as the contact's nickname; a nickname set natively reaches profanity as a roster
 * push. Under CI=true a missing profanity or tmux fails the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuthResponse, ContactsResponse } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { DOMAIN, jidOf, startXmppServer, users } from './xmpp-helpers';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const has = (bin: string) => spawnSync(bin, ['-V'], { stdio: 'ignore' }).status === 0;
const available = has('tmux') && spawnSync('profanity', ['--version'], { stdio: 'ignore' }).status === 0;
if (!available && ci)
  throw new Error('profanity or tmux is missing: .ci/run installs them (apt-get install profanity tmux)');
if (!available) process.stderr.write('WARNING: profanity or tmux not installed; skipping the profanity tests\n');

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const home = mkdtempSync(path.join(tmpdir(), 'parley-profanity-'));
const socket = `parley-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

/** Starts profanity in a new tmux window of its own (the session `p`). */
function startProfanity(): void {
  const env = `HOME=${home} XDG_CONFIG_HOME=${home}/.config XDG_DATA_HOME=${home}/.local/share TERM=xterm-256color`;
  const started = tmux('new-session', '-d', '-s', 'p', '-x', '200', '-y', '50', `env ${env} profanity`);
  if (started.status !== 0) throw new Error(`tmux: ${started.stderr}`);
}

beforeAll(async () => {
  if (!available) return;
  t = await startXmppServer();
  startProfanity();
});
afterAll(async () => {
  if (!available) return;
  tmux('kill-server');
  rmSync(home, { recursive: true, force: true });
  await t.stop();
});

const screen = () => tmux('capture-pane', '-p', '-t', 'p', '-S', '-200').stdout;
const type = (text: string) => {
  tmux('send-keys', '-t', 'p', '-l', text);
  tmux('send-keys', '-t', 'p', 'Enter');
};

/** Waits (bounded) until the screen shows `pattern`. */
async function until(pattern: RegExp, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (pattern.test(screen())) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`profanity never showed ${what}; screen:\n${screen()}`);
}

async function untilTrue(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}; screen:\n${screen()}`);
}

const contactsOf = async (token: string) =>
  (await http<ContactsResponse>(t.url, 'GET', '/v1/contacts', { token })).body;

describe.runIf(available)('XMPP with profanity', () => {
  it('signs up with /register, logs in, and names a contact with /roster nick, both ways', async () => {
    const [bob] = await users(t, 'profbob');
    const username = `fay${Math.random().toString(36).slice(2, 7)}`;
    const password = 'profanity pass 1';
    const port = String(t.xmppPort);
    await until(/Profanity/, 'its start screen');

    type(`/register ${username} ${DOMAIN} port ${port} tls trust`);
    await until(/password/i, 'the password prompt');
    type(password);
    await until(/confirm|again/i, 'the confirmation prompt');
    type(password);
    let me: AuthResponse | undefined;
    await untilTrue(async () => {
      const login = await http<AuthResponse>(t.url, 'POST', '/v1/auth/login', { body: { username, password } });
      if (login.status === 200) me = login.body;
      return login.status === 200;
    }, 'the account registered by profanity');

    // COMPAT: profanity 0.13.1 keeps the registration's raw connection mode for the next
    // `/connect` of the same run (it then sends stanzas before STARTTLS and is refused):
    // a new user starts it again.
    type('/quit');
    await untilTrue(() => Promise.resolve(tmux('has-session', '-t', 'p').status !== 0), 'profanity to quit');
    startProfanity();
    await until(/Profanity/, 'its start screen again');
    type(`/connect ${username}@${DOMAIN} server 127.0.0.1 port ${port} tls trust`);
    await until(/password/i, 'the login password prompt');
    type(password);
    await until(new RegExp(`${username}@${DOMAIN}.*online|logged in`, 'i'), 'a login');

    type(`/roster add ${jidOf(bob!)}`);
    await untilTrue(async () => (await contactsOf(me!.token)).contacts.length === 1, 'the contact added');
    type(`/roster nick ${jidOf(bob!)} Bobby`);
    await untilTrue(
      async () => (await contactsOf(me!.token)).contacts[0]?.nickname === 'Bobby',
      'the nickname stored as the contact’s',
    );

    // Set natively (another device): profanity gets the roster push and shows it.
    await http(t.url, 'PATCH', `/v1/contacts/${bob!.user.id}`, {
      token: me!.token,
      body: { nickname: 'Robert the Bruce' },
    });
    type('/roster');
    await until(/Robert the Bruce/, 'the nickname set natively');
    expect((await contactsOf(me!.token)).contacts[0]).toMatchObject({ nickname: 'Robert the Bruce' });
  }, 120_000);
});
