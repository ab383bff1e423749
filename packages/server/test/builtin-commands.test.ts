/**
 * The built-in slash commands (docs/bots.md "Built-in commands"): offered with the bots'
 * commands, carried out by the server at once, each under the permission matrix of the
 * operation it stands for, with typed errors. `/me` reaches an XMPP client as a body that
 * starts with "/me " (XEP-0245). Without an assistant, `/summarize` is not offered.
 */
import type { Element } from '@xmpp/client';
import { createNodeClient, ParleyError, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
let xmpp: XmppTestClient | undefined;
const clients: ParleyClient[] = [];
let alice: ParleyClient;
let bob: ParleyClient;
let carol: ParleyClient;
let bobAuth: Awaited<ReturnType<typeof users>>[number];

async function client(token: string): Promise<ParleyClient> {
  const c = createNodeClient({ baseUrl: t.url, token });
  clients.push(c);
  await c.connect();
  return c;
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

beforeAll(async () => {
  t = await startXmppServer();
  const [a, b, c] = await users(t, 'bia', 'bib', 'bic');
  bobAuth = b!;
  alice = await client(a!.token);
  bob = await client(b!.token);
  carol = await client(c!.token);
});
afterAll(async () => {
  clients.forEach((c) => c.close());
  await xmpp?.stop();
  await t.stop();
});

it('offers the built-ins before the bots’ commands, and no /summarize without an assistant', async () => {
  const group = await alice.conversations.createGroup('Offered', [bob.user!.id]);
  const offered = await bob.commands.list(group.id);
  expect(offered.filter((c) => c.builtin === true).map((c) => c.name)).toEqual([
    'me',
    'shrug',
    'topic',
    'invite',
    'mute',
    'leave',
  ]);
  expect(offered.every((c) => c.builtin !== true || c.botId === undefined)).toBe(true);
});

it('/me posts "/me ..." which an XMPP client receives as such (XEP-0245)', async () => {
  xmpp = await XmppTestClient.connect(t.xmppPort, bobAuth);
  const direct = await alice.conversations.createDirect(bob.user!.id);
  const update = await alice.commands.invoke(direct.id, 'me', { action: 'waves at everyone' });
  expect(update.status).toBe('answered');
  const message = await alice.messages.get(update.messageId!);
  expect(message.content).toEqual({ type: 'text', text: '/me waves at everyone' });
  const isChat = (s: Element) => s.is('message') && s.attrs.type === 'chat' && s.getChildText('body') !== null;
  const stanza = await xmpp.next((s) => isChat(s) && (s.getChildText('body') ?? '').includes('waves'));
  expect(stanza.getChildText('body')).toBe('/me waves at everyone');

  const missing = await refusal(alice.commands.invoke(direct.id, 'me', {}));
  expect(missing.code).toBe('invalid_argument');
});

it('/shrug appends the shrug; in a thread it answers in the thread', async () => {
  const group = await alice.conversations.createGroup('Shrugs', [bob.user!.id]);
  const root = await alice.messages.send(group.id, 'Why?');
  const update = await bob.commands.invoke(group.id, 'shrug', { text: 'who knows' }, { threadId: root.id });
  const message = await bob.messages.get(update.messageId!);
  expect(message.content).toEqual({ type: 'text', text: 'who knows ¯\\_(ツ)_/¯' });
  expect(message.threadId).toBe(root.id);
});

it('/topic and /invite need the right the permission matrix gives; others get typed errors', async () => {
  const group = await alice.conversations.createGroup('Rights', [bob.user!.id]);
  // A plain member of a group may not change its settings or, here, add members.
  const topic = await refusal(bob.commands.invoke(group.id, 'topic', { text: 'Mine now' }));
  expect(topic.code).toBe('forbidden');
  const invited = await refusal(bob.commands.invoke(group.id, 'invite', { user: `@${carol.user!.username}` }));
  expect(invited.code).toBe('forbidden');
  const outsider = await refusal(carol.commands.invoke(group.id, 'topic', { text: 'Hello' }));
  expect(outsider.code).toBe('not_member');

  const set = await alice.commands.invoke(group.id, 'topic', { text: 'Release planning' });
  expect(set.ephemeral?.text).toBe('The topic is now: Release planning');
  expect((await alice.conversations.get(group.id)).topic).toBe('Release planning');

  const added = await alice.commands.invoke(group.id, 'invite', { user: `@${carol.user!.username}` });
  expect(added.ephemeral?.text).toBe(`@${carol.user!.username} is now a member.`);
  expect((await carol.conversations.get(group.id)).id).toBe(group.id);
  const unknown = await refusal(alice.commands.invoke(group.id, 'invite', { user: '@nobody-at-all' }));
  expect(unknown.code).toBe('invalid_argument');
});

it('/mute mutes for the caller (and /mute off unmutes); /leave leaves', async () => {
  const group = await alice.conversations.createGroup('Quiet', [bob.user!.id]);
  await bob.commands.invoke(group.id, 'mute');
  const muted = (await bob.conversations.list()).find((c) => c.conversation.id === group.id);
  expect(muted?.notifyLevel).toBe('muted');
  await bob.commands.invoke(group.id, 'mute', { state: 'off' });
  const unmuted = (await bob.conversations.list()).find((c) => c.conversation.id === group.id);
  expect(unmuted?.notifyLevel).toBe('all');
  const wrong = await refusal(bob.commands.invoke(group.id, 'mute', { state: 'maybe' }));
  expect(wrong.code).toBe('invalid_argument');

  const left = await bob.commands.invoke(group.id, 'leave');
  expect(left.ephemeral?.text).toBe('You left this conversation.');
  expect((await refusal(bob.conversations.get(group.id))).code).toBe('not_member');
});

it('/summarize without an assistant is an unknown command', async () => {
  const group = await alice.conversations.createGroup('No assistant', []);
  const error = await refusal(alice.commands.invoke(group.id, 'summarize'));
  expect(error.code).toBe('unknown_command');
});
