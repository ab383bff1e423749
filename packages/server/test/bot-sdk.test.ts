/**
 * A bot written with the SDK, as docs/bots.md shows it, against a real server: its
 * owner creates it and a token with the SDK, the bot connects with the token, hears a
 * message in a conversation it was added to, and answers; it hears nothing from a
 * conversation it is not in.
 */
import { createNodeClient, type Message, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness';

let server: TestServer;
const clients: ParleyClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  clients.forEach((client) => client.close());
  await server.stop();
});

/** The bot of docs/bots.md: answers "!ping" with "pong", in the conversation it came from. */
function startPingBot(baseUrl: string, token: string): ParleyClient {
  const bot = createNodeClient({ baseUrl, token });
  bot.on('message', (message) => {
    if (message.senderId === bot.user?.id) return; // never answer yourself
    if (message.content.type === 'text' && message.content.text.trim() === '!ping') {
      void bot.messages.send(message.conversationId, 'pong', { replyTo: message.id });
    }
  });
  return bot;
}

it('runs a bot written with the SDK: it hears a message where it is a member and answers', async () => {
  const owner = createNodeClient({ baseUrl: server.url });
  const stranger = createNodeClient({ baseUrl: server.url });
  clients.push(owner, stranger);
  await owner.register({ username: `owner${Date.now().toString(36)}`, password: 'correct horse battery' });
  await stranger.register({ username: `other${Date.now().toString(36)}`, password: 'correct horse battery' });

  const created = await owner.bots.create({ username: `pingbot${Date.now().toString(36)}`, displayName: 'Ping' });
  expect(created.user.bot).toBe(true);
  const { token } = await owner.bots.createToken(created.user.id, 'test');
  const bot = startPingBot(server.url, token);
  clients.push(bot);
  const heard: Message[] = [];
  bot.on('message', (m) => heard.push(m));
  await bot.connect();
  expect(bot.user?.bot).toBe(true);

  const group = await owner.conversations.createGroup('with ping', [created.user.id]);
  const elsewhere = await stranger.conversations.createGroup('no bots here', [owner.user!.id]);
  await owner.connect();
  await stranger.connect();
  const answered = new Promise<Message>((resolve) =>
    owner.on('message', (m) => {
      if (m.senderId === created.user.id && m.content.type === 'text') resolve(m);
    }),
  );
  await stranger.messages.send(elsewhere.id, '!ping');
  const ping = await owner.messages.send(group.id, '!ping');
  const pong = await answered;
  expect(pong).toMatchObject({ conversationId: group.id, content: { type: 'text', text: 'pong' } });
  expect(pong.replyTo?.messageId).toBe(ping.id);
  expect(heard.some((m) => m.conversationId === elsewhere.id)).toBe(false);
});
