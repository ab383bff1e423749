/**
 * The limits per client address and per account on one node, through every way
 * in: failed logins over HTTP, WebSocket `auth` frames and XMPP SASL share one
 * budget per address (a success gives its attempt back; a registration always
 * counts), an XMPP stream past it is closed, and XMPP room joins share the
 * membership budget with HTTP joins.
 */
import { PROTOCOL_VERSION, type WireError } from '@parley/protocol';
import { xml } from '@xmpp/client';
import { afterEach, describe, expect, it } from 'vitest';
import { http, RawClient, registerUser, startTestServer, type TestServer } from './harness';
import { DOMAIN, PASSWORD, XmppTestClient } from './xmpp-helpers';
import { rawPlainLogin } from './xmpp-raw-login';

type ErrorBody = { error: WireError & { details?: { retryAfterMs?: number } } };

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const login = (base: string, username: string, password: string) =>
  http<ErrorBody>(base, 'POST', '/v1/auth/login', { body: { username, password } });

describe('authentication attempts per client address', () => {
  it('counts failures only: successful logins give their attempt back', async () => {
    t = await startTestServer({ authAttemptsPerMinute: 4 });
    const alice = await registerUser(t.url, 'rl-alice'); // a registration counts: 3 left
    expect((await login(t.url, alice.user.username, 'wrong password')).status).toBe(401);
    // Many people behind one address logging in fine are not limited.
    for (let i = 0; i < 6; i++) expect((await login(t.url, alice.user.username, PASSWORD)).status).toBe(200);
    // A wrong current password is a failed login too.
    const changed = await http<ErrorBody>(t.url, 'POST', '/v1/auth/password', {
      token: alice.token,
      body: { currentPassword: 'wrong password', newPassword: 'another long password' },
    });
    expect(changed.status).toBe(401);
    expect((await login(t.url, alice.user.username, 'wrong again')).status).toBe(401);
    const refused = await fetch(`${t.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: alice.user.username, password: PASSWORD }),
    });
    // Past the budget even the right password waits: otherwise guessing could go on.
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(body.error.details?.retryAfterMs).toBeGreaterThan(50_000);
    expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil((body.error.details?.retryAfterMs ?? 0) / 1000));
  });

  it('counts every registration', async () => {
    t = await startTestServer({ authAttemptsPerMinute: 2 });
    await registerUser(t.url, 'rl-one');
    await registerUser(t.url, 'rl-two');
    const third = await http<ErrorBody>(t.url, 'POST', '/v1/auth/register', {
      body: { username: 'rlthree', password: PASSWORD },
    });
    expect([third.status, third.body.error.code]).toEqual([429, 'rate_limited']);
    expect((await http(t.url, 'GET', '/v1/users?username=rlthree')).status).toBe(401);
  });

  it('shares one budget between HTTP, WebSocket auth frames and XMPP SASL, and closes the XMPP stream past it', async () => {
    t = await startTestServer({ authAttemptsPerMinute: 4, xmppPort: 0 });
    const xmppPort = t.server.xmppPort ?? 0;
    const bob = await registerUser(t.url, 'rl-bob'); // 1
    expect((await login(t.url, bob.user.username, 'wrong password')).status).toBe(401); // 2
    const forged = await RawClient.open(t.wsUrl);
    const refusedToken = await forged.request('auth', { token: 'forged', protocol: PROTOCOL_VERSION }); // 3
    expect(refusedToken).toMatchObject({ type: 'error', error: { code: 'token_invalid' } });
    expect((await forged.closed).code).toBe(4001);
    // A valid token is never counted.
    (await RawClient.authed(t.wsUrl, bob.token)).close();
    const wrong = await rawPlainLogin(xmppPort, { username: bob.user.username, password: 'wrong password' }); // 4
    expect(wrong.afterAuth).toContain('<not-authorized/>');

    // The budget is spent: every password is refused, the right one included.
    const xmppRefused = await rawPlainLogin(xmppPort, { username: bob.user.username, password: PASSWORD });
    expect(xmppRefused.afterAuth).toMatch(/<temporary-auth-failure\/><text xml:lang="en">Too many failed logins/);
    expect(xmppRefused.afterAuth).toContain('<policy-violation');
    expect(xmppRefused.closed).toBe(true);
    expect((await login(t.url, bob.user.username, PASSWORD)).status).toBe(429);
    // Another wrong token gets rate_limited and close 4129; a valid one (not guessable) still connects.
    const ws = await RawClient.open(t.wsUrl);
    const wsRefused = await ws.request('auth', { token: 'forged again', protocol: PROTOCOL_VERSION });
    expect(wsRefused).toMatchObject({ type: 'error', error: { code: 'rate_limited', retryable: true } });
    expect(await ws.closed).toEqual({ code: 4129, reason: 'rate_limited' });
    (await RawClient.authed(t.wsUrl, bob.token)).close();
    // HTTP requests with a token are not authentication attempts.
    expect((await http(t.url, 'GET', '/v1/me', { token: bob.token })).status).toBe(200);
  });
});

describe('SASL refusals as an XMPP client library sees them', () => {
  it('@xmpp/client gets not-authorized, then temporary-auth-failure once the address is over budget', async () => {
    t = await startTestServer({ authAttemptsPerMinute: 2, xmppPort: 0 });
    const erin = await registerUser(t.url, 'rl-erin'); // 1
    const attempt = async (password: string) => {
      try {
        const client = await XmppTestClient.connect(t!.server.xmppPort ?? 0, erin, { password });
        await client.stop();
        return 'success';
      } catch (error) {
        return (error as { condition?: string }).condition ?? String(error);
      }
    };
    expect(await attempt('wrong password')).toBe('not-authorized'); // 2
    expect(await attempt(PASSWORD)).toBe('temporary-auth-failure');
  });
});

describe('membership changes per account over XMPP', () => {
  it('counts room joins with HTTP joins and refuses past the budget with resource-constraint', async () => {
    t = await startTestServer({ authAttemptsPerMinute: 1000, membershipChangesPerMinute: 2, xmppPort: 0 });
    const owner = await registerUser(t.url, 'rl-owner');
    const carol = await registerUser(t.url, 'rl-carol');
    const channel = async (title: string) =>
      (
        await http<{ conversation: { id: string } }>(t!.url, 'POST', '/v1/channels', {
          token: owner.token,
          body: { title, visibility: 'public' },
        })
      ).body.conversation.id;
    const [first, second, third] = [await channel('One'), await channel('Two'), await channel('Three')];
    expect((await http(t.url, 'POST', `/v1/conversations/${first}/join`, { token: carol.token })).status).toBe(200);
    const client = await XmppTestClient.connect(t.server.xmppPort ?? 0, carol);
    try {
      const join = async (roomId: string) => {
        await client.send(
          xml(
            'presence',
            { to: `${roomId}@conference.${DOMAIN}/carol` },
            xml('x', { xmlns: 'http://jabber.org/protocol/muc' }),
          ),
        );
        // Joined: the room's subject; refused: an error presence from the room.
        return client.next(
          (s) =>
            String(s.attrs.from).startsWith(`${roomId}@`) &&
            ((s.name === 'presence' && s.attrs.type === 'error') || s.getChild('subject') !== undefined),
        );
      };
      expect((await join(second)).getChildText('subject')).toBe('Two');
      const refused = await join(third);
      expect(refused.attrs.type).toBe('error');
      const error = refused.getChild('error');
      expect(error?.attrs.type).toBe('wait');
      expect(error?.getChild('resource-constraint')).toBeDefined();
      expect(error?.getChildText('text')).toContain('Too many joins and leaves');
    } finally {
      await client.stop();
    }
  });
});
