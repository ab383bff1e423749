/**
 * GET /v1/messages/:messageId through the SDK (`client.messages.get`): a reader of
 * the conversation gets the message as history shows it, with their own reactions;
 * anyone else gets `not_found`, as for a message that does not exist; a deleted
 * message comes back as its tombstone.
 */
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness';

let t: TestServer;
const open: ParleyClient[] = [];
beforeAll(async () => {
  t = await startTestServer({ framesPerSecond: 1000 });
});
afterAll(async () => {
  open.forEach((c) => c.close());
  await t.stop();
});

let n = 0;
async function person(name: string): Promise<ParleyClient> {
  const c = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
  open.push(c);
  const username = `${name}${++n}${Math.random().toString(36).slice(2, 6)}`;
  await c.register({ username, password: 'message get password' });
  await c.connect();
  return c;
}

async function code(promise: Promise<unknown>): Promise<string> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code: string } | undefined;
  if (!error) throw new Error('expected a rejection');
  return error.code;
}

describe('GET /v1/messages/:messageId', () => {
  it('gives a member the message with their reactions, a tombstone once deleted, and not_found to others', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const outsider = await person('outsider');
    const group = await alice.conversations.createGroup('one message', [bob.user!.id]);
    const root = await alice.messages.send(group.id, 'the root');
    await bob.messages.send(group.id, 'a reply', { threadId: root.id });
    await bob.messages.react(root.id, '👍');

    const [asHistory] = (await bob.messages.history(group.id, { after: root.seq - 1, limit: 1 })).messages;
    const got = await bob.messages.get(root.id);
    expect(got).toEqual(asHistory);
    expect(got).toMatchObject({ id: root.id, content: { type: 'text', text: 'the root' }, myReactions: ['👍'] });
    expect(got.thread).toMatchObject({ replyCount: 1 });
    expect((await alice.messages.get(root.id)).myReactions ?? []).toEqual([]);

    // Not a member: as if it did not exist.
    expect(await code(outsider.messages.get(root.id))).toBe('not_found');
    expect(await code(bob.messages.get('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).toBe('not_found');

    // Deleted: the tombstone.
    await alice.messages.delete(root.id);
    const tombstone = await bob.messages.get(root.id);
    expect(tombstone).toMatchObject({ id: root.id, content: { type: 'deleted' } });
    expect(tombstone.deletedAt).toBeDefined();

    // Over plain HTTP without a token: unauthorized.
    const response = await fetch(`${t.url}/v1/messages/${root.id}`);
    expect(response.status).toBe(401);
  });
});
