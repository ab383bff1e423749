/**
 * XEP-0077 in-band registration, tried as a new user would: slixmpp (Debian's
 * python3-slixmpp) signs up, logs in, and names and groups a contact on its roster;
 * the account is an ordinary one (the native API logs in with it and sees the
 * contact's nickname and groups). The same rules as the native sign-up: a taken
 * username is `conflict`, a short password `not-acceptable` saying why, and past the
 * address's budget (PARLEY_RATE_AUTH_PER_MIN, shared with HTTP) `resource-constraint`.
 * With PARLEY_REGISTRATION=closed the feature is not offered and a request is refused.
 * Under CI=true a missing slixmpp fails the run.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthResponse, ContactsResponse } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { http, startTestServer, type TestServer } from './harness';
import { DOMAIN, jidOf, PASSWORD, startXmppServer, users } from './xmpp-helpers';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'xmpp-slixmpp-register.py');
const ci = process.env.CI === 'true' || process.env.CI === '1';
const available = spawnSync(PYTHON, ['-c', 'import slixmpp'], { stdio: 'ignore' }).status === 0;
if (!available && ci) throw new Error('python3-slixmpp is missing: .ci/run installs it');
if (!available) process.stderr.write('WARNING: python3-slixmpp not installed; skipping the XEP-0077 tests\n');

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const extra: TestServer[] = [];

beforeAll(async () => {
  if (available) t = await startXmppServer();
});
afterAll(async () => {
  if (available) await t.stop();
  for (const s of extra) await s.stop();
});

type Event = Record<string, unknown>;
function signUp(
  port: number,
  jid: string,
  password: string,
  peer: string,
): Promise<{ code: number | null; events: Event[] }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [SCRIPT, String(port), jid, password, peer], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Event);
      resolve({ code, events });
    });
  });
}

let n = 0;
const fresh = (prefix: string) => `${prefix}${++n}${Math.random().toString(36).slice(2, 6)}`;

/**
 * XMPP over WebSocket from loopback (where a password may travel): the stream
 * features, then the answer to each raw stanza in turn.
 */
async function overWebSocket(server: TestServer, stanzas: string[]): Promise<{ features: string; answers: string[] }> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/xmpp-websocket`, ['xmpp']);
  const frames: string[] = [];
  let wake = () => {};
  ws.on('message', (data: Buffer) => {
    frames.push(data.toString());
    wake();
  });
  const next = async (match: (f: string) => boolean): Promise<string> => {
    for (let i = 0; i < 100; i++) {
      const found = frames.find(match);
      if (found) {
        frames.splice(frames.indexOf(found), 1);
        return found;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    throw new Error(`no frame; got ${frames.join(' ')}`);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(`<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${DOMAIN}" version="1.0"/>`);
    const features = await next((f) => f.includes('features'));
    const answers: string[] = [];
    for (const [i, stanza] of stanzas.entries()) {
      ws.send(stanza.replace('ID', `r${i}`));
      answers.push(await next((f) => f.includes(`id="r${i}"`)));
    }
    return { features, answers };
  } finally {
    ws.close();
  }
}

const REGISTER_GET = `<iq xmlns="jabber:client" type="get" id="ID"><query xmlns="jabber:iq:register"/></iq>`;
const registerSet = (username: string, password: string) =>
  `<iq xmlns="jabber:client" type="set" id="ID"><query xmlns="jabber:iq:register"><username>${username}</username><password>${password}</password></query></iq>`;

describe.runIf(available)('XEP-0077 in-band registration with slixmpp', () => {
  it('signs a new user up, logs in and names and groups a contact on the roster', async () => {
    const [peer] = await users(t, 'ibpeer');
    const username = fresh('ibnew');
    const { code, events } = await signUp(t.xmppPort, `${username}@${DOMAIN}`, 'a good password', jidOf(peer!));
    expect(events).toContainEqual({
      event: 'form',
      fields: ['password', 'username'],
      instructions: expect.stringMatching(/username/),
    });
    expect(events).toContainEqual({ event: 'registered', username });
    expect(events).toContainEqual({
      event: 'roster',
      jid: jidOf(peer!),
      name: 'Pal',
      groups: ['Chess club', 'Friends'],
    });
    // Roster versioning with slixmpp: after the push, its version is current and the answer empty.
    expect(events).toContainEqual({ event: 'roster_answer', items: 0, ver: null });
    expect(code).toBe(0);
    // An ordinary account: the native API logs in with it and sees the same contact details.
    const login = await http<AuthResponse>(t.url, 'POST', '/v1/auth/login', {
      body: { username, password: 'a good password' },
    });
    expect(login.status).toBe(200);
    const contacts = await http<ContactsResponse>(t.url, 'GET', '/v1/contacts', { token: login.body.token });
    expect(contacts.body.contacts).toEqual([
      expect.objectContaining({ userId: peer!.user.id, nickname: 'Pal', groups: ['Friends', 'Chess club'] }),
    ]);
  });

  it('refuses a taken username with conflict and a short password with not-acceptable saying why', async () => {
    const [taken] = await users(t, 'ibtaken');
    const conflict = await signUp(t.xmppPort, jidOf(taken!), 'another good one', `nobody@${DOMAIN}`);
    expect(conflict.events).toContainEqual(
      expect.objectContaining({ event: 'register_error', condition: 'conflict', type: 'cancel' }),
    );
    expect(conflict.code).toBe(1);
    // The existing account kept its password.
    const old = await http(t.url, 'POST', '/v1/auth/login', {
      body: { username: taken!.user.username, password: PASSWORD },
    });
    expect(old.status).toBe(200);

    const weak = await signUp(t.xmppPort, `${fresh('ibweak')}@${DOMAIN}`, 'short', `nobody@${DOMAIN}`);
    expect(weak.events).toContainEqual({
      event: 'register_error',
      condition: 'not-acceptable',
      type: 'modify',
      text: 'The password must have at least 8 characters.',
    });
    const bad = await overWebSocket(t, [registerSet('Not Valid!', 'a good password')]);
    expect(bad.answers[0]).toMatch(/<not-acceptable[^>]*\/>.*2-32 characters/);
  });

  it('counts against the address’s sign-up budget, shared with HTTP: past it, resource-constraint', async () => {
    const limited = await startTestServer({ xmppPort: 0, authAttemptsPerMinute: 2 });
    extra.push(limited);
    const http1 = await http(limited.url, 'POST', '/v1/auth/register', {
      body: { username: fresh('ibr'), password: 'a good password' },
    });
    expect(http1.status).toBe(201);
    const port = limited.server.xmppPort ?? 0;
    const second = await signUp(port, `${fresh('ibr')}@${DOMAIN}`, 'a good password', `nobody@${DOMAIN}`);
    expect(second.events).toContainEqual(expect.objectContaining({ event: 'registered' }));
    const third = await signUp(port, `${fresh('ibr')}@${DOMAIN}`, 'a good password', `nobody@${DOMAIN}`);
    expect(third.events).toContainEqual(
      expect.objectContaining({ event: 'register_error', condition: 'resource-constraint', type: 'wait' }),
    );
    const http3 = await http(limited.url, 'POST', '/v1/auth/register', {
      body: { username: fresh('ibr'), password: 'a good password' },
    });
    expect(http3.status).toBe(429);
  });

  it('is offered when sign-up is open, and neither offered nor answered when it is closed', async () => {
    const open = await overWebSocket(t, [REGISTER_GET]);
    expect(open.features).toContain('<register xmlns="http://jabber.org/features/iq-register"/>');
    expect(open.answers[0]).toMatch(/type="result".*<username\/><password\/>/);

    const closed = await startTestServer({ xmppPort: 0, registration: 'closed' });
    extra.push(closed);
    const username = fresh('ibclosed');
    const refused = await overWebSocket(closed, [REGISTER_GET, registerSet(username, 'a good password')]);
    expect(refused.features).toContain('mechanisms');
    expect(refused.features).not.toContain('iq-register');
    for (const answer of refused.answers) expect(answer).toMatch(/type="error".*<service-unavailable/);
    // The native sign-up is closed alike, and nothing was created.
    const native = await http<{ error: { code: string } }>(closed.url, 'POST', '/v1/auth/register', {
      body: { username, password: 'a good password' },
    });
    expect(native.status).toBe(403);
    expect(native.body.error.code).toBe('registration_closed');
    const login = await http(closed.url, 'POST', '/v1/auth/login', { body: { username, password: 'a good password' } });
    expect(login.status).toBe(401);
  });
});
