/**
 * `parley admin sso status` on the server machine: it reads the PARLEY_SSO_* settings
 * the server would use and the store's linked identities, and never prints the
 * client secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliTestEnv, type CliTestEnv } from './cli-harness';

let env: CliTestEnv;

beforeAll(async () => {
  env = await startCliTestEnv();
}, 30_000);

afterAll(async () => {
  await env.stop();
});

describe('parley admin sso status', () => {
  it('shows the configuration without the secret, and the linked identities', { timeout: 60_000 }, async () => {
    const configured = {
      PARLEY_SSO_ISSUER: 'https://id.example.org/realms/staff',
      PARLEY_SSO_CLIENT_ID: 'parley',
      PARLEY_SSO_CLIENT_SECRET: 'very-secret-value-1234',
      PARLEY_SSO_LABEL: 'Staff ID',
      PARLEY_SSO_EMAIL_DOMAINS: 'example.org, Example.COM',
      PARLEY_SSO_PASSWORD_LOGIN: 'off',
    };
    const json = await env.run('op', ['--json', 'admin', 'sso', 'status'], { env: configured });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      enabled: true,
      issuer: 'https://id.example.org/realms/staff',
      clientId: 'parley',
      clientSecret: true,
      scopes: 'openid email profile',
      label: 'Staff ID',
      passwordLogin: false,
      createAccounts: true,
      emailDomains: ['example.org', 'example.com'],
      usernameClaim: 'preferred_username',
      linkedIdentities: 0,
    });
    const text = await env.run('op', ['admin', 'sso', 'status'], { env: configured });
    expect(text.stdout).toContain('button: Sign in with Staff ID');
    expect(text.stdout + text.stderr).not.toContain('very-secret-value-1234');
    const off = await env.run('op', ['admin', 'sso', 'status']);
    expect(off.stdout).toContain('single sign-on: off');
  });
});
