/**
 * Slash commands and interactive messages end to end (docs/bots.md, ADR 0018): a bot
 * written with the SDK, over a real WebSocket, registers its commands; members of its
 * group see and invoke them; the bot answers in public, ephemerally (only the invoker
 * hears it), deferred, or not at all (the user is told the bot did not respond); a
 * button click reaches the bot, which updates the message for every member. Arguments
 * are checked by the server, non-members cannot invoke or click, and a click on a
 * component the message does not carry is refused. A bot that uses a webhook instead
 * gets the interaction signed (verified here with `standardwebhooks`) and answers over HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createNodeClient,
  ParleyError,
  type Conversation,
  type Interaction,
  type InteractionUpdate,
  type Message,
  type ParleyClient,
} from '@parley/sdk/node';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { http, startTestServer, type TestServer } from './harness';

let server: TestServer;
const clients: ParleyClient[] = [];
const stamp = Date.now().toString(36);
let owner: ParleyClient;
let alice: ParleyClient;
let stranger: ParleyClient;
let bot: ParleyClient;
let botId = '';
let group: Conversation;
const heard: Interaction[] = [];

async function person(name: string): Promise<ParleyClient> {
  const client = createNodeClient({ baseUrl: server.url });
  clients.push(client);
  await client.register({ username: `${name}${stamp}`, password: 'correct horse battery' });
  await client.connect();
  return client;
}

/** Rejects with the ParleyError of `promise`, or fails. */
async function refusal(promise: Promise<unknown>): Promise<ParleyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ParleyError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** The first `message` event of `client` that matches. */
function nextMessage(client: ParleyClient, match: (m: Message) => boolean): Promise<Message> {
  return new Promise((resolve) => {
    const off = client.on('message', (m) => {
      if (match(m)) {
        off();
        resolve(m);
      }
    });
  });
}

beforeAll(async () => {
  server = await startTestServer({ jobPollMs: 50, interactionTimeoutMs: 2500, outboundAllow: 'loopback' });
  owner = await person('ixowner');
  alice = await person('ixalice');
  stranger = await person('ixstranger');
  const created = await owner.bots.create({ username: `dicebot${stamp}`, displayName: 'Dice' });
  botId = created.user.id;
  const { token } = await owner.bots.createToken(botId, 'test');

  // The bot of docs/bots.md: it registers its commands and answers them.
  bot = createNodeClient({ baseUrl: server.url, token });
  clients.push(bot);
  bot.on('interaction', (interaction) => {
    heard.push(interaction);
    const answer = (body: Parameters<ParleyClient['interactions']['respond']>[1]) =>
      void bot.interactions.respond(interaction.id, body).catch(() => undefined);
    if (interaction.command?.name === 'roll') {
      answer({ type: 'message', text: `rolled ${String(interaction.command.args['sides'])}` });
    } else if (interaction.command?.name === 'secret') {
      answer({ type: 'ephemeral', text: `psst, ${interaction.user.username}` });
    } else if (interaction.command?.name === 'think') {
      answer({ type: 'deferred' });
      setTimeout(() => answer({ type: 'ephemeral', text: 'thought it over' }), 100);
    } else if (interaction.command?.name === 'poll') {
      answer({
        type: 'message',
        text: 'Lunch?',
        components: [
          { type: 'button', id: 'yes', label: 'Yes', style: 'success' },
          { type: 'button', id: 'no', label: 'No', style: 'danger' },
        ],
      });
    } else if (interaction.component?.id === 'yes') {
      answer({
        type: 'update',
        text: `Lunch? yes: ${interaction.user.username}`,
        components: [{ type: 'button', id: 'yes', label: 'Yes (1)', style: 'success', disabled: true }],
      });
    }
    // "slow" is never answered.
  });
  await bot.connect();
  await bot.commands.set(botId, [
    {
      name: 'roll',
      description: 'Roll a die',
      options: [
        { name: 'sides', description: 'How many sides', type: 'number', required: true },
        { name: 'colour', description: 'Die colour', type: 'choice', choices: ['red', 'blue'] },
        { name: 'for', description: 'Roll for someone', type: 'user' },
      ],
    },
    { name: 'secret', description: 'Only you will know', options: [] },
    { name: 'think', description: 'Takes a while', options: [] },
    { name: 'poll', description: 'Ask about lunch', options: [] },
    { name: 'slow', description: 'Never answers', options: [] },
  ]);
  group = await owner.conversations.createGroup('dice table', [alice.user!.id, botId]);
});

afterAll(async () => {
  clients.forEach((client) => client.close());
  await server.stop();
});

it('lists the commands of the bots that are members, to members only', async () => {
  const commands = await alice.commands.list(group.id);
  // The built-in commands come first (builtin-commands.test.ts), then the bots'.
  expect(commands.filter((c) => c.builtin !== true).map((c) => c.name)).toEqual([
    'poll',
    'roll',
    'secret',
    'slow',
    'think',
  ]);
  expect(commands.find((c) => c.name === 'roll')).toMatchObject({
    botId,
    botUsername: `dicebot${stamp}`,
    description: 'Roll a die',
    options: [
      { name: 'sides', type: 'number', required: true },
      { name: 'colour', choices: ['red', 'blue'] },
      { name: 'for', type: 'user' },
    ],
  });
  expect((await refusal(stranger.commands.list(group.id))).code).toBe('not_member');
  // Only the bot or its owner set the list.
  expect((await refusal(alice.commands.set(botId, []))).code).toBe('not_found');
});

it('delivers an invocation to the bot, whose public answer every member sees', async () => {
  const seenByOwner = nextMessage(owner, (m) => m.senderId === botId && m.content.type === 'text');
  const update = await alice.commands.invoke(group.id, 'roll', { sides: '20', colour: 'red', for: `@ixowner${stamp}` });
  expect(update).toMatchObject({ status: 'answered', conversationId: group.id, botId });
  const message = await seenByOwner;
  expect(message.id).toBe(update.messageId);
  expect(message.content).toEqual({ type: 'text', text: 'rolled 20' });
  const interaction = heard.find((i) => i.command?.name === 'roll');
  // Arguments reach the bot checked and typed: a number, the choice, the user as an id.
  expect(interaction).toMatchObject({
    kind: 'command',
    conversationId: group.id,
    user: { id: alice.user!.id },
    command: { name: 'roll', args: { sides: 20, colour: 'red', for: owner.user!.id } },
  });
});

it('shows an ephemeral answer to the invoker alone, and stores nothing in the conversation', async () => {
  const ownerUpdates: InteractionUpdate[] = [];
  owner.on('interaction.updated', (u) => ownerUpdates.push(u));
  const before = (await alice.messages.history(group.id)).messages.length;
  const update = await alice.commands.invoke(group.id, 'secret');
  expect(update).toMatchObject({ status: 'answered', ephemeral: { text: `psst, ixalice${stamp}` } });
  expect(update.messageId).toBeUndefined();
  // A public message after it proves the owner's connection is past the point where it would have heard.
  const marker = nextMessage(owner, (m) => m.content.type === 'text' && m.content.text === 'marker');
  await alice.messages.send(group.id, 'marker');
  await marker;
  expect(ownerUpdates).toEqual([]);
  expect((await alice.messages.history(group.id)).messages.length).toBe(before + 1); // only the marker
});

it('refuses bad arguments with typed errors before the bot hears anything', async () => {
  const count = heard.length;
  const cases: [Record<string, string | number>, string, string][] = [
    [{}, 'sides', 'missing'],
    [{ sides: 'twenty' }, 'sides', 'not_a_number'],
    [{ sides: 6, colour: 'green' }, 'colour', 'not_a_choice'],
    [{ sides: 6, size: 'big' }, 'size', 'unknown'],
    [{ sides: 6, for: 'nobody-at-all' }, 'for', 'unknown_user'],
  ];
  for (const [args, option, reason] of cases) {
    const error = await refusal(alice.commands.invoke(group.id, 'roll', args));
    expect(error.code).toBe('invalid_argument');
    expect(error.details).toMatchObject({ option, reason });
  }
  expect((await refusal(alice.commands.invoke(group.id, 'nosuch'))).code).toBe('unknown_command');
  expect(heard.length).toBe(count);
});

it('tells the user the bot did not respond when it misses the deadline, and refuses a late answer', async () => {
  const update = await alice.commands.invoke(group.id, 'slow');
  expect(update).toMatchObject({
    status: 'timed_out',
    error: { code: 'bot_did_not_respond', message: 'The bot did not respond.' },
  });
  const late = heard.find((i) => i.command?.name === 'slow');
  expect(late).toBeDefined();
  const error = await refusal(bot.interactions.respond(late!.id, { type: 'ephemeral', text: 'sorry' }));
  expect(error.code).toBe('interaction_closed');
});

it('lets a bot defer ("thinking...") and complete its answer later', async () => {
  const completed = new Promise<InteractionUpdate>((resolve) =>
    alice.on('interaction.updated', (u) => {
      if (u.status === 'answered' && u.ephemeral?.text === 'thought it over') resolve(u);
    }),
  );
  const first = await alice.commands.invoke(group.id, 'think');
  expect(first.status).toBe('deferred');
  expect((await completed).interactionId).toBe(first.interactionId);
});

it('sends a click to the bot, whose update of the message every member sees', async () => {
  const poll = nextMessage(owner, (m) => m.content.type === 'text' && m.content.text === 'Lunch?');
  await alice.commands.invoke(group.id, 'poll');
  const message = await poll;
  expect(message.content).toMatchObject({
    components: [
      { id: 'yes', label: 'Yes' },
      { id: 'no', label: 'No' },
    ],
  });

  const isUpdate = (m: Message) =>
    m.content.type === 'update' && m.content.action === 'edited' && m.content.messageId === message.id;
  const [seenByAlice, seenByOwner] = [nextMessage(alice, isUpdate), nextMessage(owner, isUpdate)];
  const update = await owner.interactions.click(message.id, 'yes');
  expect(update).toMatchObject({ status: 'answered', messageId: message.id });
  for (const entry of await Promise.all([seenByAlice, seenByOwner])) {
    expect(entry.content).toMatchObject({
      text: `Lunch? yes: ixowner${stamp}`,
      components: [{ id: 'yes', label: 'Yes (1)', disabled: true }],
    });
  }
  expect(heard.find((i) => i.kind === 'component')).toMatchObject({
    messageId: message.id,
    component: { id: 'yes' },
    user: { id: owner.user!.id },
  });
  const stored = await alice.messages.get(message.id);
  expect(stored.content).toMatchObject({
    text: `Lunch? yes: ixowner${stamp}`,
    components: [{ id: 'yes', disabled: true }],
  });

  // A component the message does not carry (any more), a disabled one, a stranger's click: refused.
  const count = heard.length;
  expect((await refusal(alice.interactions.click(message.id, 'no'))).code).toBe('unknown_component');
  expect((await refusal(alice.interactions.click(message.id, 'yes'))).code).toBe('unknown_component');
  expect((await refusal(stranger.interactions.click(message.id, 'yes'))).code).toBe('not_member');
  expect(heard.length).toBe(count);
});

it('refuses non-members, and components from people', async () => {
  expect((await refusal(stranger.commands.invoke(group.id, 'secret'))).code).toBe('not_member');
  const error = await refusal(
    alice.messages.send(group.id, 'fake buttons', { components: [{ type: 'button', id: 'x', label: 'X' }] }),
  );
  expect(error.code).toBe('invalid_components');
});

it('delivers an interaction to a webhook, signed, and takes the answer over HTTP', async () => {
  const hooked = await owner.bots.create({ username: `hookbot${stamp}` });
  const { token } = await owner.bots.createToken(hooked.user.id, 'hook');
  const hookBot = createNodeClient({ baseUrl: server.url, token });
  clients.push(hookBot);
  await hookBot.commands.set(hooked.user.id, [{ name: 'weather', description: 'Today', options: [] }]);
  await owner.conversations.addMembers(group.id, [hooked.user.id]);
  let secret = '';
  const verified: string[] = [];
  const receiver: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      // Throws when the signature or the timestamp is wrong: then nothing is answered.
      const event = new Webhook(secret).verify(raw, req.headers as Record<string, string>) as {
        type: string;
        data: { interaction: Interaction };
      };
      verified.push(event.type);
      res.writeHead(200).end();
      void hookBot.interactions.respond(event.data.interaction.id, { type: 'ephemeral', text: 'sunny' });
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const port = (receiver.address() as AddressInfo).port;
    const created = await owner.webhooks.create({
      botId: hooked.user.id,
      url: `http://127.0.0.1:${port}/hook`,
      eventTypes: ['interaction.created'],
    });
    secret = created.secret;
    const update = await alice.commands.invoke(group.id, 'weather');
    expect(update).toMatchObject({ status: 'answered', botId: hooked.user.id, ephemeral: { text: 'sunny' } });
    expect(verified).toEqual(['interaction.created']);
  } finally {
    receiver.closeAllConnections();
    receiver.close();
  }
});

it('limits commands and clicks per account (PARLEY_RATE_INTERACTIONS_PER_MIN)', async () => {
  const limited = await startTestServer({ interactionsPerMinute: 1 });
  try {
    const user = createNodeClient({ baseUrl: limited.url });
    clients.push(user);
    await user.register({ username: `ixlimited${stamp}`, password: 'correct horse battery' });
    const made = await user.bots.create({ username: `ixlimbot${stamp}` });
    await user.commands.set(made.user.id, [{ name: 'hi', description: 'Hi', options: [] }]);
    const room = await user.conversations.createGroup('limited', [made.user.id]);
    const invoke = () =>
      http<{ error?: { code: string } }>(limited.url, 'POST', `/v1/conversations/${room.id}/commands`, {
        token: user.token!,
        body: { command: 'hi' },
      });
    expect((await invoke()).status).toBe(202);
    const refused = await invoke();
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('rate_limited');
  } finally {
    await limited.stop();
  }
});
