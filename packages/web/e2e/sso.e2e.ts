/**
 * Single sign-on in Chromium against a real OpenID provider (`oidc-provider` on
 * 127.0.0.1, allowed by PARLEY_OUTBOUND_ALLOW): the login screen shows "Sign in with
 * <label>", the button leads through the provider's own login and consent pages, and
 * the app comes back logged in, with the one-time code gone from its address; a second
 * login in a fresh browser lands in the same account.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eUnavailable, openPerson, startApp, type App, type Person } from './harness';

const skip = e2eUnavailable();

describe.skipIf(skip !== undefined)('single sign-on in the browser', () => {
  let app: App;
  let providerServer: http.Server;
  const people: Person[] = [];

  beforeAll(async () => {
    let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
    providerServer = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
    app = await startApp({
      config: {
        ssoIssuer: issuer,
        ssoClientId: 'parley',
        ssoClientSecret: 'parley-e2e-secret',
        ssoLabel: 'Example ID',
        outboundAllow: '127.0.0.1',
      },
    });
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'parley',
          client_secret: 'parley-e2e-secret',
          redirect_uris: [`${app.url}/v1/auth/sso/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      cookies: { keys: ['sso-e2e-cookie-key'] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: true } },
      findAccount: (_ctx, sub) =>
        sub === 'grace'
          ? {
              accountId: sub,
              claims: () => ({ sub, preferred_username: 'grace', name: 'Grace Hopper', email: 'grace@example.org' }),
            }
          : undefined,
    });
    handler = provider.callback();
  });

  afterAll(async () => {
    for (const p of people) await p.context.close().catch(() => undefined);
    await app?.stop();
    await new Promise((resolve) => providerServer?.close(resolve));
  });

  /** From the login screen through the provider and back, as a person would. */
  async function signInWithSso(): Promise<Person> {
    const person = await openPerson(app, 'Grace Hopper');
    people.push(person);
    const { page } = person;
    await page.getByRole('link', { name: 'Sign in with Example ID' }).click();
    await page.locator('input[name="login"]').fill('grace');
    await page.locator('input[name="password"]').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === app.url);
    await page.waitForFunction(() => localStorage.getItem('parley.session') !== null);
    return person;
  }

  it('shows the button, logs in through the provider, and keeps no code in the address', async () => {
    const person = await signInWithSso();
    const saved = await person.page.evaluate(() => JSON.parse(localStorage.getItem('parley.session')!) as unknown);
    expect(saved).toMatchObject({ user: { username: 'grace', displayName: 'Grace Hopper' } });
    expect(person.page.url()).not.toContain('code=');
    await expect(person.page.getByRole('link', { name: 'Sign in with Example ID' }).count()).resolves.toBe(0);
    expect(person.problems).toEqual([]);
  });

  it('logs a second browser into the same account', async () => {
    const first = await people[0]!.page.evaluate(
      () => (JSON.parse(localStorage.getItem('parley.session')!) as { user: { id: string } }).user.id,
    );
    const again = await signInWithSso();
    const second = await again.page.evaluate(
      () => (JSON.parse(localStorage.getItem('parley.session')!) as { user: { id: string } }).user.id,
    );
    expect(second).toBe(first);
  });
});
