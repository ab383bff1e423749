/**
 * The assistant's answer survives the death of its node (ADR 0027): the question became a
 * job of the durable queue before anything was asked, so a server killed (SIGKILL) in the
 * middle of streaming the answer asks again once it is back (the job's lease lapsed), and
 * finishes the same message: one answer, never two.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient, type Message, type ParleyClient } from '@parley/sdk/node';
import { afterAll, expect, it } from 'vitest';
import { STREAMING_MARK } from '../src/domain/assistant-context';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai';
import { freePort, spawnServer, type ServerProcess } from './process';

const MODEL = 'tiny-test-model';
const KEY = 'sk-restart';
let fake: FakeOpenAi | undefined;
let server: ServerProcess | undefined;
const clients: ParleyClient[] = [];
const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-assistant-restart-'));

afterAll(async () => {
  clients.forEach((c) => c.close());
  server?.child.kill('SIGKILL');
  if (server) await server.exited;
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Resolves with the first message of `client` that matches. */
function next(client: ParleyClient, match: (m: Message) => boolean): Promise<Message> {
  return new Promise((resolve) => {
    const off = client.on('message', (m) => {
      if (match(m)) {
        off();
        resolve(m);
      }
    });
  });
}

it('a server killed mid-answer finishes the same answer after its restart', async () => {
  fake = await startFakeOpenAi({ model: MODEL, apiKey: KEY });
  const port = await freePort();
  const env = {
    PARLEY_PORT: String(port),
    PARLEY_DATA_DIR: dataDir,
    PARLEY_XMPP_PORT: '-1',
    PARLEY_JOB_POLL_MS: '100',
    PARLEY_JOB_LEASE_MS: '6000',
    PARLEY_WEBHOOK_TIMEOUT_MS: '1000',
    PARLEY_ASSISTANT_BASE_URL: fake.baseUrl,
    PARLEY_ASSISTANT_MODEL: MODEL,
    PARLEY_ASSISTANT_API_KEY: KEY,
    PARLEY_ASSISTANT_ALLOW_INTERNAL: 'on',
    PARLEY_ASSISTANT_EDIT_INTERVAL_MS: '100',
  };
  // The first request streams a beginning and then waits forever: the server dies meanwhile.
  fake.script.push({
    type: 'stream',
    pieces: ['The first ', 'half'],
    gateAfter: 2,
    gate: new Promise(() => undefined),
  });
  fake.script.push({ type: 'stream', pieces: ['The whole ', 'answer.'] });
  server = await spawnServer(env);
  const url = `http://127.0.0.1:${port}`;
  const alice = createNodeClient({ baseUrl: url });
  clients.push(alice);
  const { token } = await alice.register({ username: 'restartalice', password: 'correct horse battery' });
  await alice.connect();
  const [assistant] = await alice.users.findByUsername('assistant');
  const direct = await alice.conversations.createDirect(assistant!.id);
  const fromAssistant = (m: Message) => m.conversationId === direct.id && m.senderId === assistant!.id;
  const partial = next(
    alice,
    (m) => fromAssistant(m) && m.content.type === 'update' && m.content.text === `The first half${STREAMING_MARK}`,
  );
  await alice.messages.send(direct.id, 'Explain everything');
  await partial;

  server.child.kill('SIGKILL');
  await server.exited;
  alice.close();
  server = await spawnServer(env);

  // The job may run again before a client could connect: read the history until the answer ends.
  const again = createNodeClient({ baseUrl: url, token });
  clients.push(again);
  const answers = async () =>
    (await again.messages.history(direct.id, { limit: 100 })).messages
      .filter((m) => fromAssistant(m) && m.content.type === 'text')
      .map((m) => (m.content.type === 'text' ? m.content.text : ''));
  let seen = await answers();
  for (let i = 0; i < 150 && seen.some((text) => text.endsWith(STREAMING_MARK)); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = await answers();
  }
  expect(seen).toEqual(['The whole answer.']);
  expect(fake.requests).toHaveLength(2);
  expect(fake.problems).toEqual([]);
}, 60_000);
