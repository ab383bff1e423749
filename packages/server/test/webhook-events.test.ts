/**
 * Which events reach which outgoing webhook, against a real server and a real
 * receiver on loopback: the event types and conversations a subscription asks for,
 * `message.mentioned` only for a mention of its own bot, nothing from conversations
 * the bot is not in, and nothing for the bot's own actions.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthResponse, Bot, Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { http, RawClient, registerUser, startTestServer, type TestServer } from './harness';

let server: TestServer;
let receiver: Server;
let port = 0;
const got: { path: string; type: string; text: string }[] = [];

beforeAll(async () => {
  server = await startTestServer({ outboundAllow: 'loopback', jobPollMs: 50 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; data: { message: Message } };
      const content = body.data.message.content;
      const text =
        content.type === 'text'
          ? content.text
          : content.type === 'update'
            ? `${content.action}:${content.text ?? content.emoji ?? ''}`
            : content.type === 'system'
              ? content.action
              : content.type;
      got.push({ path: req.url ?? '', type: body.type, text });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  receiver.closeAllConnections();
  receiver.close();
  await server.stop();
});

it('delivers the asked-for types from the asked-for conversations, mentions of the bot only, never its own', async () => {
  const owner: AuthResponse = await registerUser(server.url, 'evowner');
  const friend: AuthResponse = await registerUser(server.url, 'evfriend');
  const bot = (
    await http<{ bot: Bot }>(server.url, 'POST', '/v1/bots', {
      token: owner.token,
      body: { username: `evbot${Math.random().toString(36).slice(2, 7)}` },
    })
  ).body.bot;
  const botToken = (
    await http<{ token: string }>(server.url, 'POST', `/v1/bots/${bot.user.id}/tokens`, {
      token: owner.token,
      body: { name: 't' },
    })
  ).body.token;
  const group = async (title: string, memberIds: string[]) =>
    (
      await http<{ conversation: Conversation }>(server.url, 'POST', '/v1/conversations', {
        token: owner.token,
        body: { title, memberIds },
      })
    ).body.conversation;
  const one = await group('one', [bot.user.id]);
  const two = await group('two', [bot.user.id]);
  const outside = await group('outside', [friend.user.id]);
  const subscribe = (path: string, eventTypes: string[], conversationIds?: string[]) =>
    http(server.url, 'POST', '/v1/webhooks', {
      token: owner.token,
      body: {
        botId: bot.user.id,
        url: `http://127.0.0.1:${port}${path}`,
        eventTypes,
        ...(conversationIds ? { conversationIds } : {}),
      },
    });
  expect((await subscribe('/mentions', ['message.mentioned'])).status).toBe(201);
  expect(
    (
      await subscribe(
        '/one',
        ['message.created', 'message.edited', 'reaction.added', 'member.joined', 'member.left'],
        [one.id],
      )
    ).status,
  ).toBe(201);
  // A subscription for a conversation the bot is not in is refused.
  expect((await subscribe('/outside', ['message.created'], [outside.id])).status).toBe(403);

  const ws = await RawClient.authed(server.wsUrl, owner.token);
  let n = 0;
  const send = async (conversationId: string, text: string, token = owner.token) =>
    (
      await http<{ message: Message }>(server.url, 'POST', `/v1/conversations/${conversationId}/messages`, {
        token,
        body: { clientId: `ev${++n}`, content: { type: 'text', text } },
      })
    ).body.message;

  const hello = await send(one.id, 'hello');
  await send(two.id, `@${bot.user.username} are you there?`);
  await send(two.id, 'not for the bot');
  await send(two.id, `@${friend.user.username} is not the bot`);
  await send(outside.id, `@${bot.user.username} you cannot see this`);
  await send(one.id, 'my own words', botToken);
  await ws.request('message.edit', { messageId: hello.id, text: 'hello, edited' });
  await ws.request('reaction.set', { messageId: hello.id, emoji: '👍', reacted: true });
  await http(server.url, 'POST', `/v1/conversations/${one.id}/members`, {
    token: owner.token,
    body: { userIds: [friend.user.id] },
  });
  await http(server.url, 'DELETE', `/v1/conversations/${one.id}/members/${friend.user.id}`, { token: owner.token });
  ws.close();

  const expected = [
    { path: '/one', type: 'message.created', text: 'hello' },
    { path: '/mentions', type: 'message.mentioned', text: `@${bot.user.username} are you there?` },
    { path: '/one', type: 'message.edited', text: 'edited:hello, edited' },
    { path: '/one', type: 'reaction.added', text: 'reaction.added:👍' },
    { path: '/one', type: 'member.joined', text: 'member.added' },
    { path: '/one', type: 'member.left', text: 'member.removed' },
  ];
  const key = (e: { path: string; type: string; text: string }) => `${e.path} ${e.type} ${e.text}`;
  const deadline = Date.now() + 15_000;
  while (got.length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // Give anything unexpected a moment to arrive too.
  await new Promise((r) => setTimeout(r, 500));
  expect(got.map(key).sort()).toEqual(expected.map(key).sort());
});
