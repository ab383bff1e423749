/**
 * Single sign-on against a real OpenID provider (`oidc-provider`, started here on
 * 127.0.0.1, allowed through the outgoing-request guard by PARLEY_OUTBOUND_ALLOW):
 * the whole authorization-code + PKCE login with plain fetch, the provider's own
 * login and consent pages filled in as a browser would. Three Parley servers share
 * the provider: accounts created on first login, accounts not created, and an
 * e-mail domain allow-list.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthResponse } from '@parley/protocol';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http as api, startTestServer, type TestServer } from './harness';
import { rawPlainLogin } from './xmpp-raw-login';

type ErrorBody = { error?: { code: string; details?: Record<string, unknown> } };

/** What the provider knows of each person (the login name is the subject). */
const PEOPLE: Record<string, Record<string, unknown>> = {
  alice: { email: 'alice@example.org', email_verified: true, preferred_username: 'Alice', name: 'Alice Liddell' },
  bob: { email: 'bob@example.org', email_verified: true, preferred_username: 'bob' },
  carol: { email: 'carol@example.org', email_verified: true, preferred_username: 'carol' },
  dave: { email: 'dave@example.org', email_verified: true, preferred_username: 'dave' },
  erin: { email: 'erin@elsewhere.test', email_verified: true, preferred_username: 'erin' },
  frank: { email: 'frank@example.org', email_verified: false, preferred_username: 'frank' },
  taken: { email: 'x@example.org', email_verified: true, preferred_username: 'alice' },
};

/** A browser of one: a cookie jar, redirects followed by hand. */
class Browser {
  private readonly jar = new Map<string, string>();

  /** The same browser as it is now (its cookies), for a replay later. */
  clone(): Browser {
    const copy = new Browser();
    for (const [name, value] of this.jar) copy.jar.set(name, value);
    return copy;
  }

  async go(url: string, init: { method?: string; form?: Record<string, string>; json?: unknown } = {}) {
    const headers: Record<string, string> = {};
    if (this.jar.size > 0) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (value === '' || expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects from `url`; stops (without fetching) at the first address that starts with `stopAt`. */
  async follow(url: string, stopAt: string): Promise<{ stoppedAt?: string; last: Response }> {
    let next = url;
    for (let hops = 0; hops < 20; hops++) {
      if (next.startsWith(stopAt)) return { stoppedAt: next, last: new Response(null) };
      const response = await this.go(next);
      const location = response.headers.get('location');
      if (location === null) return { last: response };
      next = new URL(location, next).href;
    }
    throw new Error('too many redirects');
  }
}

let providerServer: http.Server;
let issuer: string;
let open: TestServer; // accounts created on first login
let closed: TestServer; // no accounts created
let domains: TestServer; // only example.org addresses

/**
 * At the provider: from the authorization URL to the redirect back to Parley,
 * logging in as `login` and consenting. Returns the callback URL (not yet visited).
 */
async function atProvider(browser: Browser, authorizationUrl: string, login: string, callbackPrefix: string) {
  let next = authorizationUrl;
  for (let step = 0; step < 6; step++) {
    const { stoppedAt, last } = await browser.follow(next, callbackPrefix);
    if (stoppedAt !== undefined) return stoppedAt;
    const page = await last.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (!action || !prompt) throw new Error(`unexpected provider page (${last.status}): ${page.slice(0, 300)}`);
    const form: Record<string, string> = { prompt };
    if (prompt === 'login') Object.assign(form, { login, password: 'any' });
    const submitted = await browser.go(new URL(action, issuer).href, { method: 'POST', form });
    const location = submitted.headers.get('location');
    if (location === null) throw new Error(`provider form answered ${submitted.status}`);
    next = new URL(location, issuer).href;
  }
  throw new Error('the provider never sent the browser back');
}

/** GET /v1/auth/sso/start: the provider's authorization URL (after a 303). */
async function start(browser: Browser, server: TestServer): Promise<string> {
  const response = await browser.go(`${server.url}/v1/auth/sso/start`);
  expect(response.status).toBe(303);
  const location = response.headers.get('location')!;
  expect(location.startsWith(`${issuer}/`)).toBe(true);
  return location;
}

/** Where the callback sent the browser: the web app's `#/sso?code=` or `#/sso?error=`. */
async function callback(browser: Browser, server: TestServer, url: string) {
  const response = await browser.go(url);
  expect(response.status).toBe(303);
  const location = response.headers.get('location')!;
  expect(location.startsWith(`${server.url}/#/sso?`)).toBe(true);
  const query = new URLSearchParams(location.slice(location.indexOf('?') + 1));
  return { code: query.get('code'), error: query.get('error') };
}

async function exchange(browser: Browser, server: TestServer, code: string) {
  const response = await browser.go(`${server.url}/v1/auth/sso/exchange`, {
    method: 'POST',
    json: { code, deviceName: 'sso test' },
  });
  return { status: response.status, body: (await response.json()) as AuthResponse & ErrorBody };
}

/** The whole login of `login` on `server`: the session, or the reason it was refused. */
async function login(server: TestServer, person: string, browser = new Browser()) {
  const authorization = await start(browser, server);
  const back = await atProvider(browser, authorization, person, `${server.url}/v1/auth/sso/callback`);
  const result = await callback(browser, server, back);
  if (result.error !== null) return { error: result.error };
  const before = browser.clone(); // still holding the login cookie the exchange clears
  const answer = await exchange(browser, server, result.code!);
  expect(answer.status).toBe(200);
  return { auth: answer.body, code: result.code!, before };
}

beforeAll(async () => {
  // The provider's port first: the Parley servers need its address, it needs theirs.
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  providerServer = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
  const sso = {
    ssoIssuer: issuer,
    ssoClientId: 'parley',
    ssoClientSecret: 'parley-test-secret',
    ssoLabel: 'Example ID',
    outboundAllow: '127.0.0.1',
    authAttemptsPerMinute: 10_000,
  };
  open = await startTestServer({ ...sso, xmppPort: 0 });
  closed = await startTestServer({ ...sso, ssoCreateAccounts: 'off' });
  domains = await startTestServer({ ...sso, ssoEmailDomains: 'example.org', ssoPasswordLogin: 'off', xmppPort: 0 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'parley',
        client_secret: 'parley-test-secret',
        redirect_uris: [open, closed, domains].map((s) => `${s.url}/v1/auth/sso/callback`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: ['sso-test-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    // The claims of the scopes go into the ID token (what Parley reads).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, sub) => (PEOPLE[sub] ? { accountId: sub, claims: () => ({ sub, ...PEOPLE[sub] }) } : undefined),
  });
  handler = provider.callback();
});

afterAll(async () => {
  await Promise.all([open?.stop(), closed?.stop(), domains?.stop()]);
  await new Promise((resolve) => providerServer?.close(resolve));
});

describe('single sign-on (OpenID Connect, code + PKCE)', () => {
  it('says on GET /v1/server that SSO is on, with its label', async () => {
    const info = await api<{ sso?: { label: string; passwordLogin: boolean }; registration: string }>(
      open.url,
      'GET',
      '/v1/server',
    );
    expect(info.body.sso).toEqual({ label: 'Example ID', passwordLogin: true });
    const ssoOnly = await api<{ sso?: { passwordLogin: boolean }; registration: string }>(
      domains.url,
      'GET',
      '/v1/server',
    );
    expect(ssoOnly.body).toMatchObject({ sso: { passwordLogin: false }, registration: 'closed' });
  });

  it('sends PKCE (S256), state and nonce to the provider', async () => {
    const url = new URL(await start(new Browser(), open));
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('redirect_uri')).toBe(`${open.url}/v1/auth/sso/callback`);
  });

  it('creates the account on the first login and logs into the same one the second time', async () => {
    const first = await login(open, 'alice');
    expect(first.auth?.user).toMatchObject({ username: 'alice', displayName: 'Alice Liddell' });
    const me = await api<{ user: { id: string } }>(open.url, 'GET', '/v1/me', { token: first.auth!.token });
    expect(me.body.user.id).toBe(first.auth!.user.id);
    const second = await login(open, 'alice');
    expect(second.auth?.user.id).toBe(first.auth!.user.id);
    expect(second.auth?.token).not.toBe(first.auth!.token);
  });

  it('writes the logins and the refusals to the audit log', async () => {
    const admin = (await login(open, 'alice')).auth!; // the first account is the server admin
    await api(open.url, 'POST', '/v1/auth/sso/exchange', { body: { code: 'made-up' } });
    const audit = await api<{ entries: { action: string; target: string | null; details: Record<string, unknown> }[] }>(
      open.url,
      'GET',
      '/v1/admin/audit?limit=50',
      { token: admin.token },
    );
    const entries = audit.body.entries;
    expect(entries.find((e) => e.action === 'user.created' && e.details.via === 'sso')).toMatchObject({
      target: admin.user.id,
      details: { username: 'alice', issuer },
    });
    expect(entries.find((e) => e.action === 'login' && e.details.via === 'sso')).toMatchObject({
      target: admin.user.id,
      details: { issuer },
    });
    expect(entries.find((e) => e.action === 'login.failed' && e.details.via === 'sso')).toMatchObject({
      details: { reason: 'code' },
    });
  });

  it('accepts the one-time code once only', async () => {
    const done = await login(open, 'bob');
    // Replayed by the same browser, with the cookie it had before the first exchange.
    const again = await exchange(done.before!, open, done.code!);
    expect(again.status).toBe(401);
    expect(again.body.error).toMatchObject({ code: 'sso_failed', details: { reason: 'code' } });
  });

  it('refuses a code exchanged by another browser than the one that logged in', async () => {
    const browser = new Browser();
    const authorization = await start(browser, open);
    const back = await atProvider(browser, authorization, 'bob', `${open.url}/v1/auth/sso/callback`);
    const { code } = await callback(browser, open, back);
    const stranger = await exchange(new Browser(), open, code!);
    expect(stranger.body.error).toMatchObject({ code: 'sso_failed', details: { reason: 'code' } });
  });

  it('refuses a replayed state, a made-up one and one started in another browser', async () => {
    const browser = new Browser();
    const authorization = await start(browser, open);
    const back = await atProvider(browser, authorization, 'carol', `${open.url}/v1/auth/sso/callback`);
    // Another browser brings the callback (login CSRF): refused, and the state is spent.
    expect(await callback(new Browser(), open, back)).toEqual({ code: null, error: 'state' });
    expect(await callback(browser, open, back)).toEqual({ code: null, error: 'state' });
    // A second login, whose callback is replayed after it worked.
    const next = await start(browser, open);
    const backAgain = await atProvider(browser, next, 'carol', `${open.url}/v1/auth/sso/callback`);
    expect((await callback(browser, open, backAgain)).code).toBeTruthy();
    expect(await callback(browser, open, backAgain)).toEqual({ code: null, error: 'state' });
    // A state Parley never issued.
    const forged = new URL(backAgain);
    forged.searchParams.set('state', 'forged-state-value');
    expect(await callback(browser, open, forged.href)).toEqual({ code: null, error: 'state' });
  });

  it('refuses an ID token whose nonce is not the one sent', async () => {
    const browser = new Browser();
    const authorization = new URL(await start(browser, open));
    authorization.searchParams.set('nonce', 'a-nonce-parley-never-sent');
    const back = await atProvider(browser, authorization.href, 'dave', `${open.url}/v1/auth/sso/callback`);
    expect(await callback(browser, open, back)).toEqual({ code: null, error: 'provider' });
  });

  it('refuses an unknown identity when accounts are not created on first login', async () => {
    expect(await login(closed, 'alice')).toEqual({ error: 'no_account' });
    const refused = await api<ErrorBody>(closed.url, 'POST', '/v1/auth/sso/exchange', { body: { code: 'x' } });
    expect(refused.body.error).toMatchObject({ code: 'sso_failed' });
  });

  it('never links to an account that only has the same username', async () => {
    // "taken" says preferred_username "alice": alice's account exists and is not theirs.
    expect(await login(open, 'taken')).toEqual({ error: 'username' });
  });

  it('refuses a deactivated account', async () => {
    const admin = (await login(open, 'alice')).auth!;
    const dave = (await login(open, 'dave')).auth!;
    const off = await api(open.url, 'POST', `/v1/admin/users/${dave.user.id}/deactivate`, { token: admin.token });
    expect(off.status).toBe(200);
    expect(await login(open, 'dave')).toEqual({ error: 'deactivated' });
  });

  it('admits only verified addresses of the allowed domains, and refuses passwords when SSO only', async () => {
    expect((await login(domains, 'bob')).auth?.user.username).toBe('bob');
    expect(await login(domains, 'erin')).toEqual({ error: 'email_domain' });
    expect(await login(domains, 'frank')).toEqual({ error: 'email_domain' });
    const password = await api<ErrorBody>(domains.url, 'POST', '/v1/auth/login', {
      body: { username: 'bob', password: 'whatever password' },
    });
    expect(password.body.error?.code).toBe('password_login_disabled');
  });

  it('gives an SSO account no password to log in with', async () => {
    const res = await api<ErrorBody & { error?: { message?: string } }>(open.url, 'POST', '/v1/auth/login', {
      body: { username: 'bob', password: 'any password at all' },
    });
    expect(res.body.error?.code).toBe('invalid_credentials');
    expect((res.body.error as { message?: string }).message).toMatch(/single sign-on/);
  });

  it('refuses XMPP logins of an SSO account, and all of them when SSO only, saying why', async () => {
    const sso = await rawPlainLogin(open.server.xmppPort!, { username: 'bob', password: 'any password at all' });
    expect(sso.afterAuth).toContain('<not-authorized/>');
    expect(sso.afterAuth).toContain('single sign-on and has no password');
    const only = await rawPlainLogin(domains.server.xmppPort!, { username: 'bob', password: 'any password at all' });
    expect(only.afterAuth).toContain('<not-authorized/>');
    expect(only.afterAuth).toContain('single sign-on only');
  });
});
