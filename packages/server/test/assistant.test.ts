/**
 * The AI assistant end to end (docs/bots.md "AI assistant", ADR 0027), against a fake
 * OpenAI-compatible server that speaks the real streaming protocol (test/fake-openai.ts):
 * a direct question gets an answer that grows by edits and ends whole; the request carries
 * the model, `stream: true`, the key and the conversation, and a question in a thread sends
 * the thread and nothing of other conversations; `/summarize` posts a summary in the thread;
 * a 500, a 429, a stall and a stream cut off end the answer with the documented note; an
 * endpoint on an internal address is refused unless the operator allowed it, and a person
 * over the rate limit gets a note instead of an answer. Switched off, an assistant account
 * left from before answers that it is not configured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient, type Conversation, type Message, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STREAMING_MARK } from '../src/domain/assistant-context';
import { NOTES } from '../src/services/assistant';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai';
import { startTestServer, type TestServer } from './harness';

const MODEL = 'tiny-test-model';
const KEY = 'sk-test-key';
const stamp = Date.now().toString(36);
let fake: FakeOpenAi;
let server: TestServer;
const clients: ParleyClient[] = [];
let alice: ParleyClient;
let bob: ParleyClient;
let assistantId = '';

async function person(name: string): Promise<ParleyClient> {
  const client = createNodeClient({ baseUrl: server.url });
  clients.push(client);
  await client.register({ username: `${name}${stamp}`, password: 'correct horse battery' });
  await client.connect();
  return client;
}

/** The assistant's answer in a conversation: its text, then the text of every edit, as `client` receives them. */
function watchAnswer(client: ParleyClient, conversationId: string, botId = assistantId) {
  const texts: string[] = [];
  let answer: Message | undefined;
  const waiters: { match: (text: string) => boolean; resolve: (text: string) => void }[] = [];
  const seen = (text: string) => {
    texts.push(text);
    for (const waiter of waiters.filter((w) => w.match(text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(text);
    }
  };
  const off = client.on('message', (m) => {
    if (m.conversationId !== conversationId || m.senderId !== botId) return;
    if (m.content.type === 'text' && !answer) {
      answer = m;
      seen(m.content.text);
    } else if (m.content.type === 'update' && m.content.messageId === answer?.id && m.content.text !== undefined) {
      seen(m.content.text);
    }
  });
  return {
    texts,
    message: () => answer,
    /** The first text (so far or to come) that matches. */
    until(match: (text: string) => boolean): Promise<string> {
      const hit = texts.find(match);
      return hit !== undefined ? Promise.resolve(hit) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
    off,
  };
}

const finished = (text: string) => !text.endsWith(STREAMING_MARK);

beforeAll(async () => {
  fake = await startFakeOpenAi({ model: MODEL, apiKey: KEY });
  server = await startTestServer({
    jobPollMs: 50,
    dispatchDelayMs: 0,
    assistantBaseUrl: fake.baseUrl,
    assistantModel: MODEL,
    assistantApiKey: KEY,
    assistantAllowInternal: 'on',
    assistantEditIntervalMs: 100,
    assistantTimeoutMs: 1500,
    assistantPerMinute: 100,
  });
  alice = await person('asalice');
  bob = await person('asbob');
  const [found] = await alice.users.findByUsername('assistant');
  if (!found) throw new Error('the assistant account was not created');
  expect(found.bot).toBe(true);
  assistantId = found.id;
});

afterAll(async () => {
  for (const client of clients) client.close();
  await server?.stop();
  await fake?.close();
});

it('streams a direct answer as edits of one message, then the whole answer', async () => {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  fake.script.push({ type: 'stream', pieces: ['Parley ', 'is a ', 'chat server.'], gateAfter: 2, gate });
  const direct = await alice.conversations.createDirect(assistantId);
  const watch = watchAnswer(alice, direct.id);
  const question = await alice.messages.send(direct.id, 'What is Parley?');
  // Held at the gate, the answer so far is shown, still marked as being written.
  expect(await watch.until((text) => text.includes('Parley is a') || finished(text))).toBe(
    `Parley is a${STREAMING_MARK}`,
  );
  open();
  expect(await watch.until(finished)).toBe('Parley is a chat server.');
  watch.off();
  // One message that grew: posted marked, edited while marked, and a last edit without the mark.
  expect(watch.texts.at(0)).toMatch(new RegExp(`${STREAMING_MARK}$`));
  expect(watch.texts.filter(finished)).toEqual(['Parley is a chat server.']);
  expect(watch.message()?.replyTo?.messageId).toBe(question.id);

  const request = fake.requests.at(-1)!;
  expect(fake.problems).toEqual([]);
  expect(request.body.stream).toBe(true);
  expect(request.body.model).toBe(MODEL);
  expect(request.authorization).toBe(`Bearer ${KEY}`);
  const messages = request.body.messages ?? [];
  expect(messages[0]?.role).toBe('system');
  expect(messages.at(-1)).toEqual({ role: 'user', content: expect.stringMatching(/: What is Parley\?$/) });
});

it('answers a mention in a thread with the thread as context, and nothing of other conversations', async () => {
  const group = await alice.conversations.createGroup('Release', [bob.user!.id, assistantId]);
  const other = await alice.conversations.createGroup('Elsewhere', [assistantId]);
  await alice.messages.send(other.id, 'The secret code is 4711');
  await alice.messages.send(group.id, 'Lunch at noon, anyone?');
  const root = await alice.messages.send(group.id, 'Plan the release');
  await bob.messages.send(group.id, 'We ship on Friday', { threadId: root.id });
  fake.script.push({ type: 'stream', pieces: ['You decided: ', 'Friday.'] });
  const watch = watchAnswer(bob, group.id);
  await alice.messages.send(group.id, `@assistant what did we decide?`, { threadId: root.id });
  expect(await watch.until(finished)).toBe('You decided: Friday.');
  expect(watch.message()?.threadId).toBe(root.id);

  const sent = (fake.requests.at(-1)!.body.messages ?? []).map((m) => m.content).join('\n');
  expect(sent).toContain('Plan the release');
  expect(sent).toContain('We ship on Friday');
  expect(sent).toContain('what did we decide?');
  expect(sent).not.toContain('4711');
  expect(sent).not.toContain('Lunch at noon');
});

it('/summarize in a thread posts the summary there', async () => {
  const group = await alice.conversations.createGroup('Summaries', [assistantId]);
  const root = await alice.messages.send(group.id, 'Which database?');
  await alice.messages.send(group.id, 'PostgreSQL for the cluster', { threadId: root.id });
  const offered = await alice.commands.list(group.id);
  expect(offered.find((c) => c.name === 'summarize')).toMatchObject({ builtin: true, botId: assistantId });
  fake.script.push({ type: 'stream', pieces: ['- PostgreSQL ', 'for the cluster'] });
  const watch = watchAnswer(alice, group.id);
  const update = await alice.commands.invoke(group.id, 'summarize', {}, { threadId: root.id });
  expect(update.status).toBe('answered');
  expect(update.ephemeral?.text).toContain('summary');
  expect(await watch.until(finished)).toBe('Summary of this thread:\n\n- PostgreSQL for the cluster');
  expect(watch.message()?.threadId).toBe(root.id);
  const messages = fake.requests.at(-1)!.body.messages ?? [];
  expect(messages.at(-1)?.content).toMatch(/^Summarise the messages above/);
});

it("/summarize outside threads sums up the caller's unread messages", async () => {
  const group = await alice.conversations.createGroup('Unread', [bob.user!.id, assistantId]);
  const seen = await bob.messages.send(group.id, 'Old news, already read');
  await alice.receipts.markRead(group.id, seen.seq);
  await bob.messages.send(group.id, 'The build is green');
  await bob.messages.send(group.id, 'Deploy at five');
  fake.script.push({ type: 'stream', pieces: ['Green build, deploy at five.'] });
  const watch = watchAnswer(alice, group.id);
  await alice.commands.invoke(group.id, 'summarize');
  expect(await watch.until(finished)).toBe(
    `Summary of your 2 unread messages, @${alice.user!.username}:\n\nGreen build, deploy at five.`,
  );
  const sent = (fake.requests.at(-1)!.body.messages ?? []).map((m) => m.content).join('\n');
  expect(sent).toContain('Deploy at five');
  expect(sent).not.toContain('Old news');
});

it.each([
  ['a 500', { type: 'status', status: 500 } as const, NOTES.failed(500)],
  ['a 429', { type: 'status', status: 429 } as const, NOTES.busy],
  ['a stall', { type: 'stall', pieces: ['I was saying'] } as const, `I was saying\n\n${NOTES.timeout}`],
  ['a cut stream', { type: 'cut', pieces: ['Half an'] } as const, `Half an\n\n${NOTES.network}`],
])('%s from the endpoint ends the answer with its note', async (_name, behaviour, expected) => {
  const direct = await bob.conversations.createDirect(assistantId);
  fake.script.push(behaviour);
  const watch = watchAnswer(bob, direct.id);
  await bob.messages.send(direct.id, `Tell me something (${_name})`);
  expect(await watch.until(finished)).toBe(expected);
  watch.off();
});

it('refuses an endpoint on an internal address unless the operator allowed it', async () => {
  const guarded = await startTestServer({
    jobPollMs: 50,
    dispatchDelayMs: 0,
    assistantBaseUrl: fake.baseUrl,
    assistantModel: MODEL,
    assistantApiKey: KEY,
    assistantEditIntervalMs: 100,
  });
  const carol = createNodeClient({ baseUrl: guarded.url });
  try {
    await carol.register({ username: `ascarol${stamp}`, password: 'correct horse battery' });
    await carol.connect();
    const [found] = await carol.users.findByUsername('assistant');
    const before = fake.requests.length;
    const direct: Conversation = await carol.conversations.createDirect(found!.id);
    const watch = watchAnswer(carol, direct.id, found!.id);
    await carol.messages.send(direct.id, 'Hello?');
    expect(await watch.until(finished)).toBe(NOTES.refused);
    expect(fake.requests.length).toBe(before);
  } finally {
    carol.close();
    await guarded.stop();
  }
});

it('answers a person over the rate limit with a note, without asking the model', async () => {
  const limited = await startTestServer({
    jobPollMs: 50,
    dispatchDelayMs: 0,
    assistantBaseUrl: fake.baseUrl,
    assistantModel: MODEL,
    assistantApiKey: KEY,
    assistantAllowInternal: 'on',
    assistantPerMinute: 1,
  });
  const dan = createNodeClient({ baseUrl: limited.url });
  try {
    await dan.register({ username: `asdan${stamp}`, password: 'correct horse battery' });
    await dan.connect();
    const [found] = await dan.users.findByUsername('assistant');
    const direct = await dan.conversations.createDirect(found!.id);
    fake.script.push({ type: 'stream', pieces: ['First answer'] });
    const first = watchAnswer(dan, direct.id, found!.id);
    await dan.messages.send(direct.id, 'One');
    expect(await first.until(finished)).toBe('First answer');
    first.off();
    const before = fake.requests.length;
    const second = watchAnswer(dan, direct.id, found!.id);
    await dan.messages.send(direct.id, 'Two');
    expect(await second.until(finished)).toBe(NOTES.rateLimited);
    expect(fake.requests.length).toBe(before);
  } finally {
    dan.close();
    await limited.stop();
  }
});

it('refuses politely when its account is left from a run with the assistant on, and it is off now', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-assistant-off-'));
  const place = { dataDir: dir, sqlitePath: path.join(dir, 'parley.db'), jobPollMs: 50, dispatchDelayMs: 0 };
  const on = await startTestServer({ ...place, assistantBaseUrl: fake.baseUrl, assistantModel: MODEL });
  const erin = createNodeClient({ baseUrl: on.url });
  const left = await (async () => {
    try {
      const { token } = await erin.register({ username: `aserin${stamp}`, password: 'correct horse battery' });
      const [found] = await erin.users.findByUsername('assistant');
      return { token, id: found!.id, direct: (await erin.conversations.createDirect(found!.id)).id };
    } finally {
      erin.close();
      await on.stop();
    }
  })();
  const { token, id, direct } = left;
  const off = await startTestServer(place);
  const again = createNodeClient({ baseUrl: off.url, token });
  try {
    await again.connect();
    const before = fake.requests.length;
    const watch = watchAnswer(again, direct, id);
    await again.messages.send(direct, 'Are you there?');
    expect(await watch.until(finished)).toBe(NOTES.notConfigured);
    expect(fake.requests.length).toBe(before);
    expect((await again.commands.list(direct)).some((c) => c.name === 'summarize')).toBe(false);
  } finally {
    again.close();
    await off.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
