/**
 * GET /v1/server: what the app may know before anyone logs in. A fresh server says it
 * has no account (the web app then offers "Create the first account"), and says so no
 * more once one exists; a closed server says sign-up is closed. Read through the SDK.
 */
import { createNodeClient } from '@parley/sdk/node';
import { afterEach, describe, expect, it } from 'vitest';
import { http, registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('GET /v1/server', () => {
  it('says whether any account exists, without a token', async () => {
    t = await startTestServer();
    const client = createNodeClient({ baseUrl: t.url });
    expect(await client.serverInfo()).toEqual({ registration: 'open', hasAccounts: false });
    await registerUser(t.url, 'first');
    expect(await client.serverInfo()).toEqual({ registration: 'open', hasAccounts: true });
    const raw = await http<Record<string, unknown>>(t.url, 'GET', '/v1/server');
    expect(raw.status).toBe(200);
    expect(Object.keys(raw.body).sort()).toEqual(['hasAccounts', 'registration']);
  });

  it('says when sign-up is closed', async () => {
    t = await startTestServer({ registration: 'closed' });
    const client = createNodeClient({ baseUrl: t.url });
    expect(await client.serverInfo()).toEqual({ registration: 'closed', hasAccounts: false });
  });
});
