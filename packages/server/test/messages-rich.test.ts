/**
 * The message features over real sockets, through the SDK: replies, threads,
 * reactions, edits, deletes, pins, forwards, mentions and unread state, live on
 * every device and through a reconnect. The reference for "same state" is a fresh
 * history page: a device that folds the update entries it received (applyUpdate)
 * must end exactly where the server's current state is (P5).
 */
import {
  applyQuoteDeletion,
  applyThreadReply,
  applyUpdate,
  createNodeClient,
  NodeWebSocket,
  type Message,
  type ParleyClient,
} from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
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

function client(options: { WebSocket?: typeof NodeWebSocket; cursors?: Record<string, number> } = {}) {
  const c = createNodeClient({
    baseUrl: t.url,
    backoff: { initialDelayMs: 20, maxDelayMs: 100 },
    receiptBatchMs: 20,
    ...options,
  });
  open.push(c);
  return c;
}

const PASSWORD = 'rich messages password';
let n = 0;
async function person(name: string) {
  const c = client();
  await c.register({ username: `${name}${++n}${Math.random().toString(36).slice(2, 6)}`, password: PASSWORD });
  await c.connect();
  return c;
}

/** A device (not yet connected) whose network the test switches off and on: while off, connecting is refused. */
async function switchableDevice(of: ParleyClient, cursors: Record<string, number>) {
  const sockets: WebSocket[] = [];
  const network = { up: true };
  class Switchable extends WebSocket {
    constructor(url: string | URL) {
      super(network.up ? url : 'ws://127.0.0.1:9/');
      sockets.push(this);
    }
  }
  const c = client({ WebSocket: Switchable as unknown as typeof NodeWebSocket, cursors });
  await c.login({ username: of.user!.username, password: PASSWORD });
  return {
    client: c,
    offline() {
      network.up = false;
      sockets.forEach((s) => s.terminate());
    },
    online() {
      network.up = true;
    },
  };
}

/**
 * What a client app keeps: every message by id, with update entries folded in as
 * they arrive (applyUpdate), quotes of deleted messages emptied and thread roots
 * counting their replies.
 */
class Mirror {
  readonly byId = new Map<string, Message>();
  readonly entries: Message[] = [];

  constructor(
    c: ParleyClient,
    private readonly me: () => string,
  ) {
    c.on('message', (m) => this.receive(m));
  }

  private receive(m: Message): void {
    this.entries.push(m);
    if (m.content.type === 'update') {
      const target = this.byId.get(m.content.messageId);
      if (target) this.byId.set(target.id, applyUpdate(target, m, { me: this.me() }));
      for (const [id, held] of this.byId) this.byId.set(id, applyQuoteDeletion(held, m));
      return;
    }
    this.byId.set(m.id, m);
    if (m.threadId) {
      const root = this.byId.get(m.threadId);
      if (root) this.byId.set(root.id, applyThreadReply(root, m));
    }
  }

  /** The messages of one conversation (no update entries), ascending. */
  of(conversationId: string): Message[] {
    return [...this.byId.values()].filter((m) => m.conversationId === conversationId).sort((a, b) => a.seq - b.seq);
  }

  get(id: string): Message | undefined {
    return this.byId.get(id);
  }
}

/** The server's current state of a conversation as `reader` sees it (entries folded into their targets). */
async function serverState(reader: ParleyClient, conversationId: string): Promise<Message[]> {
  const { messages } = await reader.messages.history(conversationId, { after: 0, limit: 500 });
  return messages.filter((m) => m.content.type !== 'update');
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; details?: unknown }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code: string; details?: unknown } | undefined;
  if (!error) throw new Error('expected a rejection');
  return error;
}

describe('rich messages', () => {
  it('replies, mentions, reactions, edits, pins, threads, forwards and deletes reach every device in order', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const carol = await person('carol');
    const aliceMirror = new Mirror(alice, () => alice.user!.id);
    const bobMirror = new Mirror(bob, () => bob.user!.id);
    const group = await alice.conversations.createGroup('rich', [bob.user!.id, carol.user!.id]);

    // A mention of a member, of nobody real and of @channel (members may in groups).
    const hello = await alice.messages.send(group.id, `hello @${bob.user!.username} and @nobody, @channel`);
    expect(hello.mentions).toEqual({ userIds: [bob.user!.id], here: false, channel: true });
    await expect.poll(() => bobMirror.get(hello.id)?.mentions?.userIds).toEqual([bob.user!.id]);
    const [bobSummary] = (await bob.conversations.list()).filter((s) => s.conversation.id === group.id);
    expect(bobSummary).toMatchObject({ unreadCount: 1, mentionCount: 1 });

    // A reply quoting it.
    const reply = await bob.messages.send(group.id, 'hi!', { replyTo: hello.id });
    expect(reply.replyTo).toEqual({
      messageId: hello.id,
      seq: hello.seq,
      senderId: alice.user!.id,
      excerpt: hello.content.type === 'text' ? hello.content.text : '',
    });

    // Reactions: any emoji, counted once per user, listed, folded on every device.
    await bob.messages.react(hello.id, '👍🏽');
    await carol.messages.react(hello.id, '👍🏽');
    const again = await carol.messages.react(hello.id, '👍🏽');
    expect(again.reactions).toEqual([{ emoji: '👍🏽', count: 2, userIds: [bob.user!.id, carol.user!.id] }]);
    expect(again.myReactions).toEqual(['👍🏽']);
    expect((await rejection(bob.messages.react(hello.id, 'yes'))).code).toBe('bad_request');
    await bob.messages.react(hello.id, '👨‍👩‍👧');
    await bob.messages.unreact(hello.id, '👨‍👩‍👧');
    expect(await alice.messages.reactionUsers(hello.id, '👍🏽', { limit: 1 })).toMatchObject({
      userIds: [bob.user!.id],
      nextCursor: expect.any(String),
    });
    await expect.poll(() => aliceMirror.get(hello.id)?.reactions).toEqual(again.reactions);

    // Edits: own messages only; the new text's mentions replace the old ones.
    expect((await rejection(bob.messages.edit(hello.id, 'not yours'))).code).toBe('forbidden');
    const edited = await alice.messages.edit(hello.id, `hello @${carol.user!.username}`);
    expect(edited).toMatchObject({
      content: { type: 'text', text: `hello @${carol.user!.username}` },
      mentions: { userIds: [carol.user!.id], here: false, channel: false },
    });
    expect(edited.editedAt).toBeGreaterThan(0);
    await expect.poll(() => bobMirror.get(hello.id)?.content).toEqual(edited.content);

    // Pins: moderators and up in groups.
    expect((await rejection(bob.messages.pin(reply.id))).code).toBe('forbidden');
    await alice.messages.pin(reply.id);
    expect((await bob.messages.pins(group.id)).map((m) => m.id)).toEqual([reply.id]);

    // A thread under hello: its own replies, count, participants and unread state.
    const threadReply = await carol.messages.send(group.id, 'in the thread', { threadId: hello.id });
    expect(threadReply.threadId).toBe(hello.id);
    const [thread] = await alice.threads.list({ conversationId: group.id });
    expect(thread).toMatchObject({
      unreadCount: 1,
      root: { id: hello.id, thread: { replyCount: 1, participantIds: [alice.user!.id, carol.user!.id] } },
    });
    const page = await alice.messages.history(group.id, { threadId: hello.id });
    expect(page.messages.map((m) => m.id)).toEqual([threadReply.id]);
    await alice.threads.markRead(group.id, hello.id, threadReply.seq);
    expect((await alice.threads.list())[0]).toMatchObject({ unreadCount: 0, readSeq: threadReply.seq });
    // Thread replies are not unread in the main view.
    await alice.receipts.markRead(group.id, reply.seq);
    expect((await alice.conversations.list()).find((s) => s.conversation.id === group.id)).toMatchObject({
      unreadCount: 0,
    });

    // Forward to another conversation: the copy says who wrote it, not where.
    const direct = await bob.conversations.createDirect(carol.user!.id);
    const forwarded = await bob.messages.forward(hello.id, direct.id);
    expect(forwarded).toMatchObject({
      conversationId: direct.id,
      content: edited.content,
      forwardedFrom: { senderId: alice.user!.id, createdAt: hello.createdAt },
    });

    // Delete: a tombstone everywhere, the quote's excerpt emptied.
    expect((await rejection(bob.messages.delete(hello.id))).code).toBe('forbidden');
    const tombstone = await alice.messages.delete(hello.id);
    expect(tombstone).toMatchObject({ content: { type: 'deleted' } });
    expect(tombstone.reactions).toBeUndefined();
    await expect.poll(() => bobMirror.get(hello.id)?.content).toEqual({ type: 'deleted' });
    expect(bobMirror.get(reply.id)?.replyTo?.excerpt).toBe('');

    // Every device's folded state is the server's state.
    const lastSeq = (await alice.conversations.get(group.id)).lastSeq;
    await expect.poll(() => bobMirror.entries.filter((m) => m.conversationId === group.id).at(-1)?.seq).toBe(lastSeq);
    await expect.poll(() => aliceMirror.entries.filter((m) => m.conversationId === group.id).at(-1)?.seq).toBe(lastSeq);
    expect(bobMirror.of(group.id)).toEqual(await serverState(bob, group.id));
    expect(aliceMirror.of(group.id)).toEqual(await serverState(alice, group.id));
  });

  it('gives a device that was offline every change in order through sync, ending in the same state', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const group = await alice.conversations.createGroup('offline', [bob.user!.id]);
    const first = await alice.messages.send(group.id, 'first');
    const second = await bob.messages.send(group.id, 'second', { replyTo: first.id });
    // The laptop holds the conversation from its start (cursor 0).
    const laptop = await switchableDevice(alice, { [group.id]: 0 });
    const mirror = new Mirror(laptop.client, () => alice.user!.id);
    const synced: unknown[] = [];
    laptop.client.on('synced', (s) => synced.push(s));
    await laptop.client.connect();
    await expect.poll(() => mirror.get(second.id)?.id).toBe(second.id);

    laptop.offline();
    await expect.poll(() => laptop.client.state.state).not.toBe('connected');
    const syncedBefore = synced.length;
    await bob.messages.react(first.id, '🎉');
    await alice.messages.react(first.id, '🎉');
    await alice.messages.edit(first.id, 'first (edited)');
    await alice.messages.pin(second.id);
    const inThread = await bob.messages.send(group.id, 'thread reply', { threadId: first.id });
    await bob.messages.unreact(first.id, '🎉');
    await alice.messages.unpin(second.id);
    await bob.messages.delete(second.id);
    await alice.receipts.markUnread(group.id, first.seq);

    laptop.online();
    await expect.poll(() => synced.length).toBeGreaterThan(syncedBefore);
    const lastSeq = (await alice.conversations.get(group.id)).lastSeq;
    await expect.poll(() => mirror.entries.at(-1)?.seq).toBe(lastSeq);
    const seqs = mirror.entries.filter((m) => m.conversationId === group.id).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    const actions = mirror.entries.flatMap((m) => (m.content.type === 'update' ? [m.content.action] : []));
    expect(actions).toEqual([
      'reaction.added',
      'reaction.added',
      'edited',
      'pinned',
      'reaction.removed',
      'unpinned',
      'deleted',
    ]);
    expect(mirror.get(first.id)).toMatchObject({
      content: { type: 'text', text: 'first (edited)' },
      reactions: [{ emoji: '🎉', count: 1, userIds: [alice.user!.id] }],
      myReactions: ['🎉'],
      thread: { replyCount: 1, lastReplySeq: inThread.seq },
    });
    expect(mirror.of(group.id)).toEqual(await serverState(alice, group.id));
    const summary = (await alice.conversations.list()).find((s) => s.conversation.id === group.id);
    expect(summary).toMatchObject({ markedUnread: true, lastMessage: { id: second.id } });
  });

  it('refuses what the rules refuse, with the documented codes', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const outsider = await person('outsider');
    const group = await alice.conversations.createGroup('rules', [bob.user!.id]);
    const message = await bob.messages.send(group.id, 'mine');

    // Non-members: not_member for every change.
    expect((await rejection(outsider.messages.react(message.id, '👍'))).code).toBe('not_member');
    expect((await rejection(outsider.messages.delete(message.id))).code).toBe('not_member');
    expect((await rejection(outsider.messages.edit(message.id, 'x'))).code).toBe('not_member');
    expect((await rejection(outsider.threads.markRead(group.id, message.id, 1))).code).toBe('not_member');
    expect((await rejection(outsider.receipts.markUnread(group.id, 1))).code).toBe('not_member');
    expect((await rejection(outsider.messages.send(group.id, 'hi', { threadId: message.id }))).code).toBe('not_member');
    // A thread reply cannot start a thread; a quote must be in the same conversation.
    const threaded = await alice.messages.send(group.id, 'under', { threadId: message.id });
    expect((await rejection(alice.messages.send(group.id, 'deeper', { threadId: threaded.id }))).code).toBe(
      'invalid_operation',
    );
    const other = await alice.conversations.createGroup('elsewhere', []);
    expect((await rejection(alice.messages.send(other.id, 'quote', { replyTo: message.id }))).code).toBe('not_found');
    // Admins may delete anyone's message; nobody edits another's.
    expect((await rejection(alice.messages.edit(message.id, 'x'))).code).toBe('forbidden');
    expect((await alice.messages.delete(message.id)).content).toEqual({ type: 'deleted' });
    // Deleting a tombstone changes nothing and appends nothing.
    const before = (await alice.conversations.get(group.id)).lastSeq;
    await bob.messages.delete(message.id);
    expect((await alice.conversations.get(group.id)).lastSeq).toBe(before);
    // The edit window (48 hours by default).
    const old = await bob.messages.send(group.id, 'old');
    t.clock.advance(172_800_000 + 1000);
    const late = await rejection(bob.messages.edit(old.id, 'too late'));
    expect(late).toMatchObject({ code: 'edit_window_passed', details: { editWindowSeconds: 172_800 } });
  });
});
