/**
 * Tried as a new user would, with profanity (Debian's terminal XMPP client, driven
 * inside tmux with a throwaway HOME): `/register` signs up by XEP-0077, `/connect`
 * logs in, `/roster add` and `/roster nick` name a contact, which the native API sees
 * as the contact's nickname; a nickname set natively reaches profanity as a roster
 * push. Under CI=true a missing profanity or tmux fails the run.
 */
import type { AuthResponse, ContactsResponse } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { Profanity, profanityAvailable as available } from './profanity';
import { DOMAIN, jidOf, startXmppServer, users } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const prof = new Profanity();

beforeAll(async () => {
  if (!available) return;
  t = await startXmppServer();
  prof.start();
});
afterAll(async () => {
  prof.stop();
  if (available) await t.stop();
});

const type = (line: string) => prof.type(line);
const until = (pattern: RegExp) => prof.waitFor(pattern);
const untilTrue = (check: () => Promise<boolean>, what: string) => prof.until(check, what);

const contactsOf = async (token: string) =>
  (await http<ContactsResponse>(t.url, 'GET', '/v1/contacts', { token })).body;

describe.runIf(available)('XMPP with profanity', () => {
  it('signs up with /register, logs in, and names a contact with /roster nick, both ways', async () => {
    const [bob] = await users(t, 'profbob');
    const username = `fay${Math.random().toString(36).slice(2, 7)}`;
    const password = 'profanity pass 1';
    const port = String(t.xmppPort);
    await until(/Profanity/);

    type(`/register ${username} ${DOMAIN} port ${port} tls trust`);
    await until(/password/i);
    type(password);
    await until(/confirm|again/i);
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
    await untilTrue(() => Promise.resolve(!prof.running()), 'profanity to quit');
    prof.start();
    await until(/Profanity/);
    type(`/connect ${username}@${DOMAIN} server 127.0.0.1 port ${port} tls trust`);
    await until(/password/i);
    type(password);
    await until(new RegExp(`${username}@${DOMAIN}.*online|logged in`, 'i'));

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
    await until(/Robert the Bruce/);
    expect((await contactsOf(me!.token)).contacts[0]).toMatchObject({ nickname: 'Robert the Bruce' });
  }, 120_000);
});
