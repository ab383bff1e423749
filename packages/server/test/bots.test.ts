/**
 * Bot accounts, their tokens and incoming webhooks against a real server: a bot is
 * marked as one, authenticates on HTTP and WebSocket with its token, sees and acts only
 * where it is a member, and a revoked token is refused on every way in (and closes the
 * bot's open connection). Secrets are only in the answers that create them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse, Bot, Conversation, Message } from '@parley/protocol';
import { errorCode, http, RawClient, registerUser, startTestServer, type TestServer } from './harness';

let server: TestServer;
let owner: AuthResponse;
let stranger: AuthResponse;
let bot: Bot;
let botToken = '';
let tokenId = '';
let group: Conversation;
let other: Conversation;

beforeAll(async () => {
  server = await startTestServer({ incomingWebhookPerMinute: 3 });
  owner = await registerUser(server.url, 'owner');
  stranger = await registerUser(server.url, 'stranger');
  const created = await http<{ bot: Bot }>(server.url, 'POST', '/v1/bots', {
    token: owner.token,
    body: { username: `helper${Math.random().toString(36).slice(2, 8)}`, displayName: 'Helper' },
  });
  expect(created.status).toBe(201);
  bot = created.body.bot;
  const token = await http<{ token: string; info: { id: string } }>(
    server.url,
    'POST',
    `/v1/bots/${bot.user.id}/tokens`,
    {
      token: owner.token,
      body: { name: 'ci' },
    },
  );
  expect(token.status).toBe(201);
  botToken = token.body.token;
  tokenId = token.body.info.id;
  group = (
    await http<{ conversation: Conversation }>(server.url, 'POST', '/v1/conversations', {
      token: owner.token,
      body: { title: 'with the bot', memberIds: [bot.user.id] },
    })
  ).body.conversation;
  other = (
    await http<{ conversation: Conversation }>(server.url, 'POST', '/v1/conversations', {
      token: owner.token,
      body: { title: 'without the bot', memberIds: [stranger.user.id] },
    })
  ).body.conversation;
});

afterAll(async () => {
  await server.stop();
});

const send = (token: string, conversationId: string, text: string) =>
  http<{ message: Message }>(server.url, 'POST', `/v1/conversations/${conversationId}/messages`, {
    token,
    body: { clientId: `c${Math.random().toString(36).slice(2, 10)}`, content: { type: 'text', text } },
  });

describe('bot accounts', () => {
  it('marks the bot as a bot wherever its user is shown, and people not at all', async () => {
    expect(bot.user.bot).toBe(true);
    expect(bot.ownerId).toBe(owner.user.id);
    const me = await http<{ user: { bot?: boolean } }>(server.url, 'GET', '/v1/me', { token: botToken });
    expect(me.body.user.bot).toBe(true);
    const seen = await http<{ user: { bot?: boolean } }>(server.url, 'GET', `/v1/users/${bot.user.id}`, {
      token: owner.token,
    });
    expect(seen.body.user.bot).toBe(true);
    expect(owner.user.bot).toBeUndefined();
    const members = await http<{ conversation: Conversation }>(server.url, 'GET', `/v1/conversations/${group.id}`, {
      token: owner.token,
    });
    expect(members.body.conversation.members.map((m) => m.userId)).toContain(bot.user.id);
  });

  it('lists tokens by id, name, creation and last use, never the secret', async () => {
    const list = await http<{ tokens: Record<string, unknown>[] }>(
      server.url,
      'GET',
      `/v1/bots/${bot.user.id}/tokens`,
      {
        token: owner.token,
      },
    );
    expect(list.status).toBe(200);
    expect(list.body.tokens).toEqual([{ id: tokenId, name: 'ci', createdAt: expect.any(Number), lastUsedAt: null }]);
    expect(JSON.stringify(list.body)).not.toContain(botToken);
  });

  it('acts where it is a member and nowhere else', async () => {
    const posted = await send(botToken, group.id, 'hello from the bot');
    expect(posted.status).toBe(200);
    expect(posted.body.message.senderId).toBe(bot.user.id);
    const outside = await send(botToken, other.id, 'let me in');
    expect(outside.status).toBe(403);
    const history = await http(server.url, 'GET', `/v1/conversations/${other.id}/messages`, { token: botToken });
    expect(history.status).toBe(403);
    const list = await http<{ conversations: { conversation: { id: string } }[] }>(
      server.url,
      'GET',
      '/v1/conversations',
      { token: botToken },
    );
    expect(list.body.conversations.map((c) => c.conversation.id)).toEqual([group.id]);
  });

  it('lets only its owner manage it: anyone else is told it does not exist', async () => {
    for (const [method, route, body] of [
      ['GET', `/v1/bots/${bot.user.id}`, undefined],
      ['GET', `/v1/bots/${bot.user.id}/tokens`, undefined],
      ['POST', `/v1/bots/${bot.user.id}/tokens`, { name: 'stolen' }],
      ['DELETE', `/v1/bots/${bot.user.id}/tokens/${tokenId}`, undefined],
      ['GET', `/v1/webhooks?botId=${bot.user.id}`, undefined],
    ] as const) {
      const answer = await http<{ error: { code: string } }>(server.url, method, route, {
        token: stranger.token,
        body,
      });
      expect({ route, status: answer.status, code: answer.body.error.code }).toEqual({
        route,
        status: 404,
        code: 'not_found',
      });
    }
    // The bot cannot mint tokens for itself either.
    const self = await http(server.url, 'POST', `/v1/bots/${bot.user.id}/tokens`, {
      token: botToken,
      body: { name: 'x' },
    });
    expect(self.status).toBe(404);
  });

  it('never logs in with a password', async () => {
    for (const password of ['', '!bot', 'correct horse battery']) {
      const answer = await http<{ error: { code: string } }>(server.url, 'POST', '/v1/auth/login', {
        body: { username: bot.user.username, password: password || 'x' },
      });
      expect(answer.status).toBe(401);
    }
  });

  it('refuses a webhook URL on an internal address unless the administrator allowed it', async () => {
    const answer = await http<{ error: { code: string } }>(server.url, 'POST', '/v1/webhooks', {
      token: owner.token,
      body: { botId: bot.user.id, url: 'http://127.0.0.1:9/hook', eventTypes: ['message.created'] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('url_not_allowed');
    const metadata = await http<{ error: { code: string } }>(server.url, 'POST', '/v1/webhooks', {
      token: botToken,
      body: { botId: bot.user.id, url: 'http://169.254.169.254/latest', eventTypes: ['message.created'] },
    });
    expect(metadata.body.error.code).toBe('url_not_allowed');
  });
});

describe('incoming webhooks', () => {
  let url = '';

  it('posts into its conversation as the bot, with the secret stored hashed and shown once', async () => {
    const created = await http<{ incoming: { id: string }; url: string }>(server.url, 'POST', '/v1/incoming-webhooks', {
      token: owner.token,
      body: { botId: bot.user.id, conversationId: group.id, name: 'CI' },
    });
    expect(created.status).toBe(201);
    url = created.body.url;
    const listed = await http<{ incoming: unknown[] }>(
      server.url,
      'GET',
      `/v1/incoming-webhooks?botId=${bot.user.id}`,
      {
        token: owner.token,
      },
    );
    expect(listed.body.incoming).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(url.split('/').at(-1)!);
    const posted = await http<{ messageId: string }>(server.url, 'POST', url, {
      body: { text: 'build **green**', idempotencyKey: 'build-1' },
    });
    expect(posted.status).toBe(201);
    const again = await http<{ messageId: string }>(server.url, 'POST', url, {
      body: { text: 'build **green**', idempotencyKey: 'build-1' },
    });
    expect(again.body.messageId).toBe(posted.body.messageId); // the same key posts once
    const history = await http<{ messages: Message[] }>(server.url, 'GET', `/v1/conversations/${group.id}/messages`, {
      token: owner.token,
    });
    const message = history.body.messages.find((m) => m.id === posted.body.messageId);
    expect(message).toMatchObject({ senderId: bot.user.id, content: { type: 'text', text: 'build **green**' } });
  });

  it('refuses a bot that is not a member, bad bodies, unknown secrets, and floods', async () => {
    const outside = await http<{ error: { code: string } }>(server.url, 'POST', '/v1/incoming-webhooks', {
      token: owner.token,
      body: { botId: bot.user.id, conversationId: other.id, name: 'nope' },
    });
    expect(outside.body.error.code).toBe('not_member');
    const bad = await http<{ error: { code: string } }>(server.url, 'POST', url, { body: { message: 'hi' } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'bad_request']);
    const broken = await http<{ error: { code: string } }>(server.url, 'POST', url, { rawBody: '{"text": ' });
    expect(broken.body.error.code).toBe('malformed_json');
    const unknown = await http<{ error: { code: string } }>(
      server.url,
      'POST',
      `/v1/hooks/incoming/${'A'.repeat(43)}`,
      {
        body: { text: 'hi' },
      },
    );
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    // The budget is 3 a minute (two were used above).
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await http(server.url, 'POST', url, { body: { text: `n${i}` } })).status);
    expect(statuses).toEqual([201, 429, 429]);
  });
});

describe('revoking a bot token', () => {
  it('refuses it on HTTP and WebSocket at once, and closes the connection it has open', async () => {
    const ws = await RawClient.authed(server.wsUrl, botToken);
    const revoked = await http(server.url, 'DELETE', `/v1/bots/${bot.user.id}/tokens/${tokenId}`, {
      token: owner.token,
    });
    expect(revoked.status).toBe(204);
    const closed = await ws.closed;
    expect(closed.code).toBeGreaterThanOrEqual(4000);
    const me = await http<{ error: { code: string } }>(server.url, 'GET', '/v1/me', { token: botToken });
    expect([me.status, me.body.error.code]).toEqual([401, 'token_invalid']);
    const fresh = await RawClient.open(server.wsUrl);
    const reply = await fresh.request('auth', { token: botToken, protocol: 1 });
    expect(errorCode(reply)).toBeDefined();
    fresh.close();
    const list = await http<{ tokens: unknown[] }>(server.url, 'GET', `/v1/bots/${bot.user.id}/tokens`, {
      token: owner.token,
    });
    expect(list.body.tokens).toEqual([]);
  });
});
