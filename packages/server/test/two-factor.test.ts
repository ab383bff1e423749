/**
 * Two-factor authentication (TOTP, RFC 6238) over HTTP, with codes computed from
 * the test's own clock (the server runs on the same movable clock): set up and
 * confirm, login answered with `second_factor_required` and a challenge, a code
 * used once only (replay refused, also the one that confirmed the setup), recovery
 * codes single-use, challenges that expire or run out of attempts, XMPP refused
 * with a reason, turning it off, and the audit entries each step leaves.
 */
import type { AuthResponse } from '@parley/protocol';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, registerUser, startTestServer, type TestServer } from './harness';
import { rawPlainLogin } from './xmpp-raw-login';

let t: TestServer;
let alice: AuthResponse;
let secret: string;
const PASSWORD = 'correct horse battery';
const STEP_MS = 30_000;

type ErrorBody = { error?: { code: string; details?: Record<string, unknown> } };
const code = (res: { status: number; body: unknown }): string =>
  res.status < 300 ? 'ok' : ((res.body as ErrorBody | undefined)?.error?.code ?? `http_${res.status}`);

/** The code an authenticator app would show now (by the test's clock). */
const totp = (): string =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: t.clock.now(),
  });

async function passwordStep(): Promise<string> {
  const res = await http<ErrorBody>(t.url, 'POST', '/v1/auth/login', {
    body: { username: alice.user.username, password: PASSWORD },
  });
  expect(code(res)).toBe('second_factor_required');
  const challenge = res.body.error?.details?.challenge;
  expect(typeof challenge).toBe('string');
  return challenge as string;
}

const secondStep = (challenge: string, value: string) =>
  http<AuthResponse & ErrorBody>(t.url, 'POST', '/v1/auth/login/second-factor', { body: { challenge, code: value } });

let recoveryCodes: string[];

beforeAll(async () => {
  t = await startTestServer({ xmppPort: 0, authAttemptsPerMinute: 10_000 });
  await registerUser(t.url, 'first');
  alice = await registerUser(t.url, 'alice');
});
afterAll(async () => {
  await t.stop();
});

describe('two-factor authentication', () => {
  it('is set up with a secret and turned on only by a right first code', async () => {
    const setup = await http<{ secret: string; uri: string }>(t.url, 'POST', '/v1/me/2fa/setup', {
      token: alice.token,
    });
    secret = setup.body.secret;
    expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\/Parley:.*secret=/);
    // Not on yet: the password alone still logs in.
    expect(
      code(
        await http(t.url, 'POST', '/v1/auth/login', { body: { username: alice.user.username, password: PASSWORD } }),
      ),
    ).toBe('ok');
    const wrong = totp() === '000000' ? '111111' : '000000';
    expect(code(await http(t.url, 'POST', '/v1/me/2fa/enable', { token: alice.token, body: { code: wrong } }))).toBe(
      'second_factor_invalid',
    );
    const enabled = await http<{ recoveryCodes: string[] }>(t.url, 'POST', '/v1/me/2fa/enable', {
      token: alice.token,
      body: { code: totp() },
    });
    expect(code(enabled)).toBe('ok');
    recoveryCodes = enabled.body.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const status = await http<{ enabled: boolean; recoveryCodesLeft: number }>(t.url, 'GET', '/v1/me/2fa', {
      token: alice.token,
    });
    expect(status.body).toEqual({ enabled: true, recoveryCodesLeft: 10 });
  });

  it('asks for the second factor at login and takes each code once', async () => {
    // The code that confirmed the setup is already used.
    expect(code(await secondStep(await passwordStep(), totp()))).toBe('second_factor_invalid');
    t.clock.advance(STEP_MS);
    const now = totp();
    const ok = await secondStep(await passwordStep(), now);
    expect(code(ok)).toBe('ok');
    expect(code(await http(t.url, 'GET', '/v1/me', { token: ok.body.token }))).toBe('ok');
    // Replay of the same code, even with a fresh challenge.
    const replay = await secondStep(await passwordStep(), now);
    expect(code(replay)).toBe('second_factor_invalid');
    expect(replay.body.error?.details?.reason).toBe('code');
  });

  it('takes each recovery code once', async () => {
    const recovery = recoveryCodes[0] ?? '';
    expect(code(await secondStep(await passwordStep(), recovery.toUpperCase()))).toBe('ok');
    expect(code(await secondStep(await passwordStep(), recovery))).toBe('second_factor_invalid');
    const status = await http<{ recoveryCodesLeft: number }>(t.url, 'GET', '/v1/me/2fa', { token: alice.token });
    expect(status.body.recoveryCodesLeft).toBe(9);
  });

  it('drops a challenge after it expires or after five wrong codes', async () => {
    const challenge = await passwordStep();
    t.clock.advance(5 * 60_000 + STEP_MS);
    const expired = await secondStep(challenge, totp());
    expect(code(expired)).toBe('second_factor_invalid');
    expect(expired.body.error?.details?.reason).toBe('challenge');

    const guessed = await passwordStep();
    for (let i = 0; i < 5; i += 1) expect(code(await secondStep(guessed, '12345-abcde'))).toBe('second_factor_invalid');
    const sixth = await secondStep(guessed, totp());
    expect(sixth.body.error?.details?.reason).toBe('challenge');
  });

  it('refuses XMPP logins of the account with a reason, after checking the password', async () => {
    const port = t.server.xmppPort ?? 0;
    const right = await rawPlainLogin(port, { username: alice.user.username, password: PASSWORD });
    expect(right.afterAuth).toContain('<not-authorized/>');
    expect(right.afterAuth).toContain('two-factor authentication');
    const wrong = await rawPlainLogin(port, { username: alice.user.username, password: 'not the password' });
    expect(wrong.afterAuth).toContain('<not-authorized/>');
    expect(wrong.afterAuth).not.toContain('two-factor');
  });

  it('is turned off with a code, and the password alone logs in again', async () => {
    t.clock.advance(STEP_MS);
    expect(
      code(await http(t.url, 'POST', '/v1/me/2fa/disable', { token: alice.token, body: { code: '000000' } })),
    ).toBe('second_factor_invalid');
    expect(code(await http(t.url, 'POST', '/v1/me/2fa/disable', { token: alice.token, body: { code: totp() } }))).toBe(
      'ok',
    );
    expect(
      code(
        await http(t.url, 'POST', '/v1/auth/login', { body: { username: alice.user.username, password: PASSWORD } }),
      ),
    ).toBe('ok');
  });

  it('leaves its trail in the audit log', async () => {
    const entries = (await t.server.services.admin.asCli().listAudit({ user: alice.user.id, limit: 100 })).entries;
    const actions = entries.map(
      (e) => `${e.action}${typeof e.details.secondFactor === 'string' ? `:${e.details.secondFactor}` : ''}`,
    );
    expect(actions).toContain('two_factor.enabled');
    expect(actions).toContain('two_factor.disabled');
    expect(actions).toContain('login:totp');
    expect(actions).toContain('login:recovery');
    const failed = entries.filter((e) => e.action === 'login.failed');
    expect(failed.map((e) => e.details.reason)).toContain('second_factor_invalid');
    expect(failed.every((e) => e.address === '127.0.0.1')).toBe(true);
  });
});
