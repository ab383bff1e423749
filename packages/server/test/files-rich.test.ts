/**
 * File messages with the message features (issue 4 x issue 5), over real sockets
 * through the SDK: a file message is quoted, threaded, forwarded, reacted to,
 * pinned, its caption edited and found by search, and deleted. A forward carries
 * its own ref, so deleting the original leaves the file to the forward; deleting
 * the last message that carries it deletes the file. In a channel, members
 * download and non-members do not.
 */
import {
  applyUpdate,
  createNodeClient,
  ParleyError,
  type FileContent,
  type Message,
  type ParleyClient,
} from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytesOf } from './files-helpers';
import { registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
const clients: ParleyClient[] = [];

beforeAll(async () => {
  t = await startTestServer({ framesPerSecond: 1000, fileCleanupIntervalSeconds: 0 });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.stop();
});

async function user(): Promise<ParleyClient> {
  const auth = await registerUser(t.url);
  const client = createNodeClient({ baseUrl: t.url, token: auth.token });
  clients.push(client);
  await client.connect();
  return client;
}

async function status(client: ParleyClient, fileId: string): Promise<number | string> {
  try {
    return (await client.files.download(fileId)).status;
  } catch (error) {
    if (error instanceof ParleyError) return error.code;
    throw error;
  }
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof ParleyError) return error.code;
    throw error;
  }
}

describe('file messages with replies, threads, forwards, edits, deletes, reactions, pins and search', () => {
  it('quotes, threads, reacts to and pins a file message', async () => {
    const alice = await user();
    const bob = await user();
    const group = await alice.conversations.createGroup('Photos', [bob.user!.id]);
    const { fileId } = await alice.files.upload(randomBytesOf(2000), { name: 'notes.bin' });
    const sent = await alice.messages.sendFile(group.id, fileId);
    const reply = await bob.messages.send(group.id, 'nice', { replyTo: sent.id });
    expect(reply.replyTo).toMatchObject({ messageId: sent.id, excerpt: 'File: notes.bin' });
    const inThread = await bob.messages.send(group.id, 'about this file', { threadId: sent.id });
    expect(inThread.threadId).toBe(sent.id);
    // A file can be a thread reply (and a reply) itself.
    const second = await bob.files.upload(randomBytesOf(100), { name: 'answer.bin' });
    const fileReply = await bob.messages.sendFile(group.id, second.fileId, { threadId: sent.id, replyTo: sent.id });
    expect(fileReply).toMatchObject({ threadId: sent.id, replyTo: { messageId: sent.id } });
    const reacted = await bob.messages.react(sent.id, '👍');
    expect(reacted.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.user!.id] }]);
    const pinned = await alice.messages.pin(sent.id);
    expect(pinned.pinnedAt).toBeDefined();
    expect((await alice.messages.pins(group.id)).map((m) => m.id)).toEqual([sent.id]);
    expect(pinned.content).toMatchObject({ type: 'file', fileId });
  });

  it('edits a caption (the file stays), re-reads its mentions and finds it by the caption', async () => {
    const alice = await user();
    const bob = await user();
    const group = await alice.conversations.createGroup('Captions', [bob.user!.id]);
    const updates: Message[] = [];
    bob.on('message', (m) => {
      if (m.content.type === 'update') updates.push(m);
    });
    const { fileId } = await alice.files.upload(randomBytesOf(500), { name: 'plan.bin' });
    const word = `zebra${Math.random().toString(36).slice(2, 8)}`;
    const sent = await alice.messages.sendFile(group.id, fileId, { caption: `first ${word}` });
    expect((await bob.search.query({ query: word })).hits.map((h) => h.message.id)).toEqual([sent.id]);

    const other = `okapi${Math.random().toString(36).slice(2, 8)}`;
    const edited = await alice.messages.edit(sent.id, `now ${other} for @${bob.user!.username}`);
    expect(edited.content).toMatchObject({
      type: 'file',
      fileId,
      name: 'plan.bin',
      caption: expect.stringContaining(other),
    });
    expect(edited.editedAt).toBeDefined();
    expect(edited.mentions?.userIds).toEqual([bob.user!.id]);
    expect((await bob.search.query({ query: word })).hits).toEqual([]);
    const [hit] = (await bob.search.query({ query: other })).hits;
    expect(hit?.message.id).toBe(sent.id);
    // Highlights are ranges of the caption.
    const caption = (hit!.message.content as FileContent).caption!;
    expect(hit!.highlights.map(([from, to]) => caption.slice(from, to))).toEqual([other]);

    // Bob's copy, folded from the update entry, ends where the server is.
    await expect.poll(() => updates.length).toBe(1);
    const folded = applyUpdate(sent, updates[0]!);
    expect(folded.content).toEqual(edited.content);
    expect(await status(bob, fileId)).toBe(200);
  });

  it('keeps a forwarded file while a forward carries it, and deletes it with the last message', async () => {
    const alice = await user();
    const bob = await user();
    const carol = await user();
    const source = await alice.conversations.createGroup('Source', [bob.user!.id]);
    const target = await bob.conversations.createGroup('Target', [carol.user!.id]);
    const { fileId } = await alice.files.upload(randomBytesOf(3000), { name: 'shared.bin' });
    const original = await alice.messages.sendFile(source.id, fileId, { caption: 'for you' });
    expect(await status(carol, fileId)).toBe('not_found');

    const forward = await bob.messages.forward(original.id, target.id);
    expect(forward.forwardedFrom).toMatchObject({ senderId: alice.user!.id });
    expect(forward.content).toMatchObject({ type: 'file', fileId, caption: 'for you' });
    // The forward's conversation may now download it.
    expect(await status(carol, fileId)).toBe(200);
    // Forwarded copies cannot be edited.
    expect(await code(bob.messages.edit(forward.id, 'mine now'))).toBe('invalid_operation');

    await alice.messages.delete(original.id);
    expect(await status(carol, fileId)).toBe(200);
    expect(await status(bob, fileId)).toBe(200);

    await bob.messages.delete(forward.id);
    expect(await status(carol, fileId)).toBe('not_found');
    expect(await status(alice, fileId)).toBe('not_found');
    // A tombstone cannot be forwarded.
    expect(await code(bob.messages.forward(forward.id, target.id))).toBe('invalid_operation');
  });

  it('lets channel members download a file and refuses non-members', async () => {
    const owner = await user();
    const member = await user();
    const outsider = await user();
    const channel = await owner.channels.create({ title: 'Files channel', visibility: 'public' });
    expect(channel.members).toEqual([]);
    await member.channels.join(channel.id);
    const { fileId } = await owner.files.upload(randomBytesOf(1234), { name: 'channel.bin' });
    await owner.messages.sendFile(channel.id, fileId);
    expect(await status(member, fileId)).toBe(200);
    expect(await status(outsider, fileId)).toBe('not_found');
    await outsider.channels.join(channel.id);
    expect(await status(outsider, fileId)).toBe(200);
  });

  it('checks the caption size, and only the uploader sends a file', async () => {
    const alice = await user();
    const bob = await user();
    const group = await alice.conversations.createGroup('Limits', [bob.user!.id]);
    const { fileId } = await alice.files.upload(randomBytesOf(10), { name: 'x.bin' });
    expect(await code(bob.messages.sendFile(group.id, fileId))).toBe('not_found');
    const content = (await alice.messages.sendFile(group.id, fileId)).content as FileContent;
    expect(content.caption).toBeUndefined();
  });
});
