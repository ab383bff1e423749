/**
 * Claiming MLS key packages uses up other people's one-time packages: each claim counts
 * against the claiming account's budget (PARLEY_RATE_KEY_PACKAGE_CLAIMS_PER_MIN).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { http, registerUser, startTestServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ keyPackageClaimsPerMinute: 3 });
});
afterAll(() => server?.stop());

it('refuses claims past the budget of the claiming account, and not another account', async () => {
  const mallory = await registerUser(server.url, 'mallory');
  const bob = await registerUser(server.url, 'bob');
  const claim = (token: string) =>
    http<{ error?: { code: string; details?: { retryAfterMs?: number } } }>(
      server.url,
      'POST',
      '/v1/e2ee/key-packages/claim',
      {
        token,
        body: { userIds: [bob.user.id] },
      },
    );
  for (let i = 0; i < 3; i++) expect((await claim(mallory.token)).status).toBe(200);
  const refused = await claim(mallory.token);
  expect(refused.status).toBe(429);
  expect(refused.body.error?.code).toBe('rate_limited');
  expect(refused.body.error?.details?.retryAfterMs).toBeGreaterThan(0);
  // Another account has its own budget.
  const carol = await registerUser(server.url, 'carol');
  expect((await claim(carol.token)).status).toBe(200);
});
