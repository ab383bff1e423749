/** Accounts, sessions, profiles, contacts and blocks over the HTTP API. */
import type { AuthResponse, Session, User } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, http, registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ authAttemptsPerMinute: 1000 });
});
afterAll(() => t.stop());

type ErrorBody = { error: { code: string; retryable: boolean; details?: Record<string, unknown> } };

describe('accounts', () => {
  it('registers, logs in on a second device, lists and revokes sessions', async () => {
    const reg = await http<AuthResponse>(t.url, 'POST', '/v1/auth/register', {
      body: { username: 'carol', password: 'long enough', displayName: 'Carol', deviceName: 'laptop' },
    });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({ username: 'carol', displayName: 'Carol', avatarUrl: null });
    const login = await http<AuthResponse>(t.url, 'POST', '/v1/auth/login', {
      body: { username: 'Carol', password: 'long enough', deviceName: 'phone' },
    });
    expect(login.status).toBe(200);
    expect(login.body.token).not.toBe(reg.body.token);

    const sessions = await http<{ sessions: Session[] }>(t.url, 'GET', '/v1/sessions', { token: login.body.token });
    expect(sessions.body.sessions.map((s) => s.deviceName).sort()).toEqual(['laptop', 'phone']);
    expect(sessions.body.sessions.find((s) => s.current)?.deviceName).toBe('phone');

    // Revoking the laptop closes its live connection and kills its token.
    const laptop = await RawClient.authed(t.wsUrl, reg.body.token);
    const revoke = await http(t.url, 'DELETE', `/v1/sessions/${reg.body.session.id}`, { token: login.body.token });
    expect(revoke.status).toBe(204);
    expect((await laptop.closed).code).toBe(4003);
    expect((await http<ErrorBody>(t.url, 'GET', '/v1/me', { token: reg.body.token })).body.error.code).toBe(
      'token_invalid',
    );
  });

  it('refuses a taken username, a weak password, a bad username and wrong credentials', async () => {
    const { user } = await registerUser(t.url, 'dave');
    const taken = await http<ErrorBody>(t.url, 'POST', '/v1/auth/register', {
      body: { username: user.username, password: 'long enough' },
    });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'username_taken']);
    const weak = await http<ErrorBody>(t.url, 'POST', '/v1/auth/register', {
      body: { username: 'weakling', password: 'short' },
    });
    expect([weak.status, weak.body.error.code]).toEqual([400, 'weak_password']);
    const bad = await http<ErrorBody>(t.url, 'POST', '/v1/auth/register', {
      body: { username: 'No Spaces!', password: 'long enough' },
    });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'bad_request']);
    const wrong = await http<ErrorBody>(t.url, 'POST', '/v1/auth/login', {
      body: { username: user.username, password: 'wrong password' },
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'invalid_credentials']);
    const nobody = await http<ErrorBody>(t.url, 'POST', '/v1/auth/login', {
      body: { username: 'nobody-here', password: 'whatever1' },
    });
    expect([nobody.status, nobody.body.error.code]).toEqual([401, 'invalid_credentials']);
  });

  it('logs out the current device only', async () => {
    const a = await registerUser(t.url);
    const b = await http<AuthResponse>(t.url, 'POST', '/v1/auth/login', {
      body: { username: a.user.username, password: 'correct horse battery' },
    });
    expect((await http(t.url, 'POST', '/v1/auth/logout', { token: a.token })).status).toBe(204);
    expect((await http(t.url, 'GET', '/v1/me', { token: a.token })).status).toBe(401);
    expect((await http(t.url, 'GET', '/v1/me', { token: b.body.token })).status).toBe(200);
  });

  it('changes the password, logging out other devices', async () => {
    const a = await registerUser(t.url);
    const other = await http<AuthResponse>(t.url, 'POST', '/v1/auth/login', {
      body: { username: a.user.username, password: 'correct horse battery' },
    });
    const wrong = await http<ErrorBody>(t.url, 'POST', '/v1/auth/password', {
      token: a.token,
      body: { currentPassword: 'not it', newPassword: 'brand new secret' },
    });
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const ok = await http(t.url, 'POST', '/v1/auth/password', {
      token: a.token,
      body: { currentPassword: 'correct horse battery', newPassword: 'brand new secret' },
    });
    expect(ok.status).toBe(204);
    expect((await http(t.url, 'GET', '/v1/me', { token: a.token })).status).toBe(200);
    expect((await http(t.url, 'GET', '/v1/me', { token: other.body.token })).status).toBe(401);
    const relog = await http(t.url, 'POST', '/v1/auth/login', {
      body: { username: a.user.username, password: 'brand new secret' },
    });
    expect(relog.status).toBe(200);
  });

  it('updates the profile and finds users by username', async () => {
    const a = await registerUser(t.url);
    const patch = await http<{ user: User }>(t.url, 'PATCH', '/v1/me', {
      token: a.token,
      body: { displayName: 'Ann', avatarUrl: 'https://example.com/a.png', statusText: 'on holiday' },
    });
    expect(patch.body.user).toMatchObject({
      displayName: 'Ann',
      avatarUrl: 'https://example.com/a.png',
      statusText: 'on holiday',
    });
    const badUrl = await http<ErrorBody>(t.url, 'PATCH', '/v1/me', {
      token: a.token,
      body: { avatarUrl: 'javascript:alert(1)' },
    });
    expect(badUrl.body.error.code).toBe('bad_request');
    const b = await registerUser(t.url);
    const found = await http<{ users: User[] }>(t.url, 'GET', `/v1/users?username=${a.user.username.toUpperCase()}`, {
      token: b.token,
    });
    expect(found.body.users.map((u) => u.id)).toEqual([a.user.id]);
    const byId = await http<{ user: User }>(t.url, 'GET', `/v1/users/${a.user.id}`, { token: b.token });
    expect(byId.body.user.displayName).toBe('Ann');
  });
});

describe('contacts and blocks', () => {
  it('adds, lists and removes contacts; blocked users cannot message you', async () => {
    const a = await registerUser(t.url);
    const b = await registerUser(t.url);
    expect((await http(t.url, 'PUT', `/v1/contacts/${b.user.id}`, { token: a.token })).status).toBe(204);
    expect((await http(t.url, 'PUT', `/v1/contacts/${b.user.id}`, { token: a.token })).status).toBe(204); // idempotent
    const list = await http<{ users: User[] }>(t.url, 'GET', '/v1/contacts', { token: a.token });
    expect(list.body.users.map((u) => u.id)).toEqual([b.user.id]);
    expect((await http<ErrorBody>(t.url, 'PUT', `/v1/contacts/${a.user.id}`, { token: a.token })).body.error.code).toBe(
      'invalid_operation',
    );
    expect((await http<ErrorBody>(t.url, 'PUT', '/v1/contacts/u_missing', { token: a.token })).body.error.code).toBe(
      'not_found',
    );

    const { body } = await http<{ conversation: { id: string } }>(t.url, 'POST', '/v1/conversations/direct', {
      token: a.token,
      body: { userId: b.user.id },
    });
    const send = (token: string, clientId: string) =>
      http<ErrorBody>(t.url, 'POST', `/v1/conversations/${body.conversation.id}/messages`, {
        token,
        body: { clientId, content: { type: 'text', text: 'hi' } },
      });
    expect((await send(b.token, 'b1')).status).toBe(200);
    expect((await http(t.url, 'PUT', `/v1/blocks/${b.user.id}`, { token: a.token })).status).toBe(204);
    const refused = await send(b.token, 'b2');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'blocked']);
    expect((await send(a.token, 'a1')).body.error.code).toBe('blocked'); // the blocker cannot write either
    const blocks = await http<{ users: User[] }>(t.url, 'GET', '/v1/blocks', { token: a.token });
    expect(blocks.body.users.map((u) => u.id)).toEqual([b.user.id]);
    expect((await http(t.url, 'DELETE', `/v1/blocks/${b.user.id}`, { token: a.token })).status).toBe(204);
    expect((await send(b.token, 'b3')).status).toBe(200);
    expect((await http(t.url, 'DELETE', `/v1/contacts/${b.user.id}`, { token: a.token })).status).toBe(204);
    expect((await http(t.url, 'DELETE', `/v1/contacts/${b.user.id}`, { token: a.token })).status).toBe(404);
  });
});

describe('HTTP bad input', () => {
  it('maps malformed JSON, oversized bodies, unknown routes and missing tokens to typed errors', async () => {
    const malformed = await http<ErrorBody>(t.url, 'POST', '/v1/auth/login', { rawBody: '{"username":' });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'malformed_json']);
    const big = await http<ErrorBody>(t.url, 'POST', '/v1/auth/login', {
      rawBody: JSON.stringify({ username: 'x'.repeat(70_000), password: 'y' }),
    });
    expect([big.status, big.body.error.code]).toEqual([413, 'frame_too_large']);
    const route = await http<ErrorBody>(t.url, 'GET', '/v1/nothing-here');
    expect([route.status, route.body.error.code]).toEqual([404, 'not_found']);
    const missing = await http<ErrorBody>(t.url, 'GET', '/v1/conversations');
    expect([missing.status, missing.body.error.code]).toEqual([401, 'unauthenticated']);
    const unknown = await http<ErrorBody>(t.url, 'GET', '/v1/conversations', { token: 'forged' });
    expect([unknown.status, unknown.body.error.code]).toEqual([401, 'token_invalid']);
  });

  it('rate-limits login attempts per address', async () => {
    const limited = await startTestServer({ authAttemptsPerMinute: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (await http(limited.url, 'POST', '/v1/auth/login', { body: { username: 'x1', password: 'y' } })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const last = await http<ErrorBody>(limited.url, 'POST', '/v1/auth/login', {
        body: { username: 'x1', password: 'y' },
      });
      expect(last.body.error).toMatchObject({ code: 'rate_limited', retryable: true });
    } finally {
      await limited.stop();
    }
  });

  it('serves the OpenAPI document, health and metrics', async () => {
    const doc = await http<{ openapi: string; paths: Record<string, unknown> }>(t.url, 'GET', '/v1/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/auth/register', '/v1/conversations/{conversationId}/messages']),
    );
    const health = await http<{ status: string; node: string }>(t.url, 'GET', '/healthz');
    expect(health.body).toMatchObject({ status: 'ok', node: t.server.config.nodeId });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('parley_ws_connections');
    // One node on its own bus hears itself; nothing waits for the bus.
    expect(metrics).toMatch(/^parley_cluster_nodes 1$/m);
    expect(metrics).toMatch(/^parley_outbox_pending 0$/m);
    expect(metrics).toMatch(/^parley_events_published_total \d+$/m);
    expect(metrics).toMatch(/^parley_events_dispatched_total \d+$/m);
    expect(metrics).toMatch(/^parley_jobs_run_total \d+$/m);
  });
});
