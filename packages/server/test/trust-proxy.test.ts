/**
 * Behind a load balancer every connection comes from the proxy: the per-address
 * limits must count the client's address, which the proxy forwards, and believe
 * that header only from the proxies named in PARLEY_TRUST_PROXY.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src';
import { startTestServer, type TestServer } from './harness';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const t of servers) await t.stop();
});

async function loginStatus(t: TestServer, forwardedFor: string): Promise<number> {
  const response = await fetch(`${t.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ username: 'nobody', password: 'not the password' }),
  });
  return response.status;
}

describe('PARLEY_TRUST_PROXY', () => {
  it('counts login attempts per forwarded client address behind a trusted proxy', async () => {
    const t = await startTestServer({ authAttemptsPerMinute: 2, trustProxy: '127.0.0.1' });
    servers.push(t);
    expect([await loginStatus(t, '198.51.100.1'), await loginStatus(t, '198.51.100.1')]).toEqual([401, 401]);
    expect(await loginStatus(t, '198.51.100.1')).toBe(429);
    // Another client behind the same proxy has its own allowance.
    expect(await loginStatus(t, '198.51.100.2')).toBe(401);
  });

  it('ignores X-Forwarded-For from anyone else (a client cannot pick its own address)', async () => {
    const t = await startTestServer({ authAttemptsPerMinute: 2, trustProxy: '10.0.0.0/8' });
    servers.push(t);
    await loginStatus(t, '198.51.100.1');
    await loginStatus(t, '198.51.100.2');
    expect(await loginStatus(t, '198.51.100.3')).toBe(429);
  });

  it('refuses a value that is not addresses or ranges', () => {
    expect(() => loadConfig({ PARLEY_TRUST_PROXY: '10.0.0.0/8, proxy.example' })).toThrow(/PARLEY_TRUST_PROXY/);
    expect(() => loadConfig({ PARLEY_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/PARLEY_TRUST_PROXY/);
    expect(loadConfig({ PARLEY_TRUST_PROXY: '127.0.0.1, ::1, 10.0.0.0/8' }).trustProxy).toBe(
      '127.0.0.1, ::1, 10.0.0.0/8',
    );
  });
});
