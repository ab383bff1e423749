/**
 * A conversation's "media and files" (`GET /v1/conversations/:id/files`) through the SDK
 * against a real server: images and videos apart from other files, newest first, paged
 * with `before`; captions as edited, deleted messages gone; members of that conversation
 * only (a non-member, and a member of another conversation that carries the same file,
 * see nothing of this one).
 */
import { createNodeClient, ParleyError, type FileContent, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png, randomBytesOf } from './files-helpers';
import { registerUser, startTestServer, type TestServer } from './harness';

describe('conversation files', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    t = await startTestServer({ fileCleanupIntervalSeconds: 0 });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.stop();
  });

  const tokens = new Map<ParleyClient, string>();
  async function user(): Promise<ParleyClient> {
    const auth = await registerUser(t.url);
    const client = createNodeClient({ baseUrl: t.url, token: auth.token });
    clients.push(client);
    tokens.set(client, auth.token);
    await client.connect();
    return client;
  }

  async function send(client: ParleyClient, conversationId: string, data: Uint8Array, name: string, caption?: string) {
    const { fileId } = await client.files.upload(data, { name });
    return client.messages.sendFile(conversationId, fileId, caption === undefined ? {} : { caption });
  }

  const names = (messages: { content: { type: string } }[]) =>
    messages.map((m) => (m.content.type === 'file' ? (m.content as FileContent).name : m.content.type));

  it('lists media and other files apart, newest first, in pages', async () => {
    const alice = await user();
    const bob = await user();
    const group = await alice.conversations.createGroup('Gallery', [bob.user!.id]);
    const image = await png(40, 30);
    await send(alice, group.id, image, 'one.png', 'first');
    await send(alice, group.id, randomBytesOf(1000), 'notes.bin');
    await alice.messages.send(group.id, 'just text');
    await send(bob, group.id, await png(20, 20), 'two.png');
    await send(alice, group.id, await png(30, 30), 'three.png');
    await send(bob, group.id, randomBytesOf(2000), 'data.bin', 'the data');

    const media = await bob.messages.files(group.id, { kind: 'media' });
    expect(names(media.messages)).toEqual(['three.png', 'two.png', 'one.png']);
    expect(media.hasMore).toBe(false);
    expect(media.messages[2]!.content).toMatchObject({ kind: 'image', width: 40, height: 30, caption: 'first' });
    expect(media.messages.map((m) => m.seq)).toEqual([...media.messages.map((m) => m.seq)].sort((a, b) => b - a));

    const files = await bob.messages.files(group.id, { kind: 'files' });
    expect(names(files.messages)).toEqual(['data.bin', 'notes.bin']);

    const first = await bob.messages.files(group.id, { kind: 'media', limit: 2 });
    expect(names(first.messages)).toEqual(['three.png', 'two.png']);
    expect(first.hasMore).toBe(true);
    const second = await bob.messages.files(group.id, {
      kind: 'media',
      limit: 2,
      before: first.messages.at(-1)!.seq,
    });
    expect(names(second.messages)).toEqual(['one.png']);
    expect(second.hasMore).toBe(false);
  });

  it('shows captions as edited and drops deleted messages', async () => {
    const alice = await user();
    const group = await alice.conversations.createGroup('Edits', []);
    const kept = await send(alice, group.id, await png(), 'kept.png', 'old caption');
    const gone = await send(alice, group.id, await png(), 'gone.png');
    await alice.messages.edit(kept.id, 'new caption');
    await alice.messages.delete(gone.id);
    const media = await alice.messages.files(group.id, { kind: 'media' });
    expect(names(media.messages)).toEqual(['kept.png']);
    expect(media.messages[0]!.content).toMatchObject({ caption: 'new caption' });
  });

  it("answers only a member, and only with that conversation's files", async () => {
    const alice = await user();
    const bob = await user();
    const carol = await user();
    const secret = await alice.conversations.createGroup('Secret', [bob.user!.id]);
    const open = await alice.conversations.createGroup('Open', [carol.user!.id]);
    const sent = await send(alice, secret.id, await png(), 'secret.png');
    // The same file forwarded into a conversation carol reads: she sees it there, not the other one.
    await alice.messages.forward(sent.id, open.id);
    const refusal = await carol.messages.files(secret.id, { kind: 'media' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ParleyError);
    expect((refusal as ParleyError).code).toBe('not_member');
    const mine = await carol.messages.files(open.id, { kind: 'media' });
    expect(mine.messages.map((m) => m.conversationId)).toEqual([open.id]);
    expect(names(mine.messages)).toEqual(['secret.png']);
  });

  it('refuses a bad kind or page size with bad_request', async () => {
    const alice = await user();
    const group = await alice.conversations.createGroup('Bad', []);
    for (const query of ['kind=all', 'kind=media&limit=0', 'kind=media&limit=101', '']) {
      const res = await fetch(`${t.url}/v1/conversations/${group.id}/files?${query}`, {
        headers: { authorization: `Bearer ${tokens.get(alice)}` },
      });
      expect(res.status, query).toBe(400);
    }
  });
});
