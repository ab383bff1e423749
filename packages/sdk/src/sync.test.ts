import { describe, expect, it } from 'vitest';
import type { Conversation, ConversationSummary, Message } from '@parley/protocol';
import { ParleyError, localError } from './errors';
import { msg } from './fake-socket.test-helper';
import { applySyncResult, SyncRunner, type HistoryPage, type SyncRequest, type SyncResultData } from './sync';
import { Timeline } from './timeline';

function summary(id: string, lastSeq: number): ConversationSummary {
  const conversation: Conversation = {
    id,
    kind: 'group',
    title: id,
    topic: null,
    description: null,
    visibility: 'private',
    postPolicy: 'everyone',
    slowModeSeconds: 0,
    avatarUrl: null,
    createdAt: 1,
    lastSeq,
    lastActivityAt: 1,
    memberCount: 0,
    members: [],
  };
  return {
    conversation,
    lastMessage: null,
    unreadCount: 0,
    mentionCount: 0,
    readSeq: 0,
    deliveredSeq: 0,
    role: 'member',
    notifyLevel: 'all',
    markedUnread: false,
    mutedUntil: null,
    favouritePosition: null,
  };
}

const EPOCH = 'epoch-1';

const seqs = (messages: Message[]) => messages.map((m) => `${m.conversationId}${m.seq}`);
const range = (c: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => msg(c, from + i));

interface StoreOptions {
  syncLimit?: number;
  pageSize?: number;
  /** The member's delivered cursor per conversation (moved by any device); 0 when absent. */
  delivered?: Record<string, number>;
  /** Where the membership starts per conversation; 0 when absent. */
  starts?: Record<string, number>;
}

/** A server with fixed message lists, answering sync and history like the real one (P9 included). */
function store(conversations: Record<string, Message[]>, options: StoreOptions = {}) {
  const calls: string[] = [];
  const sync = ({ cursors, complete }: SyncRequest): Promise<SyncResultData> => {
    calls.push(`sync ${JSON.stringify(cursors)}${complete === true ? ' complete' : ''}`);
    const result: SyncResultData = { conversations: [], messages: [], truncated: [], epoch: EPOCH };
    for (const [id, messages] of Object.entries(conversations)) {
      result.conversations.push(summary(id, messages.at(-1)?.seq ?? 0));
      const unnamed = complete === true ? (options.starts?.[id] ?? 0) : (options.delivered?.[id] ?? 0);
      const after = cursors[id] ?? unnamed;
      const missed = messages.filter((m) => m.seq > after);
      const limit = options.syncLimit ?? 1000;
      result.messages.push(...missed.slice(0, limit));
      if (missed.length > limit) result.truncated.push(id);
    }
    return Promise.resolve(result);
  };
  const history = (id: string, after: number): Promise<HistoryPage> => {
    calls.push(`history ${id} ${after}`);
    const missed = (conversations[id] ?? []).filter((m) => m.seq > after);
    const size = options.pageSize ?? 2;
    return Promise.resolve({ messages: missed.slice(0, size), hasMore: missed.length > size });
  };
  return { sync, history, calls };
}

describe('applySyncResult', () => {
  it('applies missed messages after the cursors sent and bases unknown conversations', () => {
    const t = new Timeline({ a: 2 });
    const result: SyncResultData = {
      conversations: [summary('a', 4), summary('b', 9), summary('c', 5)],
      // b was not in the cursors: the server resumed it from its delivered cursor (7).
      messages: [msg('a', 4), msg('a', 3), msg('b', 8), msg('b', 9)],
      truncated: [],
      epoch: EPOCH,
    };
    const { delivered, truncated } = applySyncResult(t, { a: 2 }, result);
    expect(seqs(delivered)).toEqual(['a3', 'a4', 'b8', 'b9']);
    expect(truncated).toEqual([]);
    // c had nothing missed: its cursor is its last seq.
    expect(t.cursors()).toEqual({ a: 4, b: 9, c: 5 });
  });

  it('keeps live messages that arrived while the sync was in flight', () => {
    const t = new Timeline({ a: 2 });
    t.receive(msg('a', 5)); // live, ahead of the sync answer
    const { delivered } = applySyncResult(
      t,
      { a: 2 },
      {
        conversations: [summary('a', 5)],
        messages: [msg('a', 3), msg('a', 4), msg('a', 5)],
        truncated: [],
        epoch: EPOCH,
      },
    );
    expect(seqs(delivered)).toEqual(['a3', 'a4', 'a5']);
  });
});

describe('SyncRunner', () => {
  it('syncs, then pages truncated conversations with history until caught up', async () => {
    const server = store({ a: range('a', 1, 7), b: range('b', 1, 2) }, { syncLimit: 3, pageSize: 2 });
    const t = new Timeline({ a: 0, b: 0 });
    const out: Message[] = [];
    const summaries: string[] = [];
    const runner = new SyncRunner({
      timeline: t,
      sync: server.sync,
      history: server.history,
      deliver: (m) => out.push(...m),
      onSummaries: (s) => summaries.push(...s.map((x) => x.conversation.id)),
    });
    await runner.run(true);
    expect(seqs(out)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'a4', 'a5', 'a6', 'a7']);
    expect(server.calls).toEqual(['sync {"a":0,"b":0} complete', 'history a 3', 'history a 5']);
    expect(summaries).toEqual(['a', 'b']);
  });

  it('drops the conversations the server says were removed or deleted while away', async () => {
    const server = store({ a: range('a', 1, 2) });
    const sync = async (request: SyncRequest): Promise<SyncResultData> => ({
      ...(await server.sync(request)),
      removed: ['gone'],
    });
    const t = new Timeline({ a: 2, gone: 5 });
    const removed: string[] = [];
    const runner = new SyncRunner({
      timeline: t,
      sync,
      history: server.history,
      deliver: () => undefined,
      onRemoved: (id) => {
        removed.push(id);
        t.forget(id);
      },
    });
    await runner.run(true);
    expect(removed).toEqual(['gone']);
    expect(t.cursors()).toEqual({ a: 2 });
    // The next sync no longer names it, and nothing tries to page it.
    await runner.run(true);
    expect(server.calls.filter((c) => c.includes('gone'))).toEqual(['sync {"a":2,"gone":5} complete']);
  });

  it('fills a gap left by live events without a full sync', async () => {
    const server = store({ a: range('a', 1, 6) });
    const t = new Timeline({ a: 2 });
    const out: Message[] = [];
    const runner = new SyncRunner({
      timeline: t,
      sync: server.sync,
      history: server.history,
      deliver: (m) => out.push(...m),
    });
    t.receive(msg('a', 6));
    await runner.run(false);
    expect(server.calls).toEqual(['history a 2', 'history a 4']);
    expect(seqs(out)).toEqual(['a3', 'a4', 'a5', 'a6']);
  });

  it('syncs to find the base of a conversation first seen through a live message', async () => {
    const server = store({ n: range('n', 1, 4) });
    const t = new Timeline();
    const out: Message[] = [];
    const runner = new SyncRunner({
      timeline: t,
      sync: server.sync,
      history: server.history,
      deliver: (m) => out.push(...m),
    });
    t.receive(msg('n', 4));
    await runner.run(false);
    expect(server.calls[0]).toBe('sync {}');
    expect(seqs(out)).toEqual(['n1', 'n2', 'n3', 'n4']);
  });

  // The case: another device received a new group's entries and moved the
  // shared delivered cursor to its end while this device was away.
  it('gets every entry of a conversation created while it was away, whatever the delivered cursor says', async () => {
    const conversations: Record<string, Message[]> = { a: range('a', 1, 2) };
    const server = store(conversations, { delivered: { n: 6 }, syncLimit: 4, pageSize: 2 });
    const t = new Timeline();
    const out: Message[] = [];
    const runner = new SyncRunner({ timeline: t, ...server, deliver: (m) => out.push(...m) });
    await runner.run(true); // first login: a new device, no state yet
    expect(server.calls).toEqual(['sync {}']);
    expect(t.complete).toBe(true);

    conversations['n'] = range('n', 1, 6); // created, 5 messages, all delivered elsewhere
    await runner.run(true);
    expect(server.calls.slice(1)).toEqual(['sync {"a":2} complete', 'history n 4']);
    expect(seqs(out)).toEqual(['a1', 'a2', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    expect(t.cursors()).toEqual({ a: 2, n: 6 });
  });

  it('starts a new device after the delivered cursor (older entries are history)', async () => {
    const server = store({ a: range('a', 1, 5) }, { delivered: { a: 3 }, starts: { a: 0 } });
    const t = new Timeline();
    const out: Message[] = [];
    const runner = new SyncRunner({ timeline: t, ...server, deliver: (m) => out.push(...m) });
    await runner.run(true);
    expect(server.calls).toEqual(['sync {}']);
    expect(seqs(out)).toEqual(['a4', 'a5']);
  });

  it('treats persisted cursors, even none, as a device with state', async () => {
    const server = store({ a: range('a', 1, 3), j: range('j', 1, 9) }, { delivered: { a: 3, j: 9 }, starts: { j: 6 } });
    const t = new Timeline({});
    const out: Message[] = [];
    const runner = new SyncRunner({ timeline: t, ...server, deliver: (m) => out.push(...m) });
    await runner.run(true);
    expect(server.calls).toEqual(['sync {} complete']);
    // Joined at seq 7 while away: the join entry and what followed, not what came before.
    expect(seqs(out)).toEqual(['a1', 'a2', 'a3', 'j7', 'j8', 'j9']);
  });

  it('names only some conversations on the first sync when told its cursors are partial', async () => {
    const server = store({ a: range('a', 1, 3), b: range('b', 1, 4) }, { delivered: { b: 3 } });
    const t = new Timeline({ a: 1 }, { complete: false });
    const out: Message[] = [];
    const runner = new SyncRunner({ timeline: t, ...server, deliver: (m) => out.push(...m) });
    await runner.run(true);
    await runner.run(true);
    expect(server.calls).toEqual(['sync {"a":1}', 'sync {"a":3,"b":4} complete']);
    expect(seqs(out)).toEqual(['a2', 'a3', 'b4']);
  });

  it('coalesces requests made while a pass runs into one more pass', async () => {
    const server = store({ a: range('a', 1, 2) });
    const t = new Timeline({ a: 0 });
    const runner = new SyncRunner({
      timeline: t,
      sync: server.sync,
      history: server.history,
      deliver: () => undefined,
    });
    const p1 = runner.run(true);
    const p2 = runner.run(true);
    const p3 = runner.run(false);
    expect(p2).toBe(p1);
    expect(p3).toBe(p1);
    await p1;
    expect(server.calls.filter((c) => c.startsWith('sync'))).toHaveLength(2);
    expect(runner.busy).toBe(false);
  });

  it('flushes held messages after repeated fetches that fill nothing', async () => {
    const t = new Timeline({ a: 1 });
    const out: Message[] = [];
    const runner = new SyncRunner({
      timeline: t,
      sync: () => Promise.reject(new Error('not expected')),
      history: () => Promise.resolve({ messages: [], hasMore: false }),
      deliver: (m) => out.push(...m),
      maxStalls: 2,
    });
    t.receive(msg('a', 3));
    await runner.run(false);
    expect(out).toEqual([]);
    await runner.run(false);
    expect(seqs(out)).toEqual(['a3']);
  });

  it('propagates retryable errors and gives up on a conversation on non-retryable ones', async () => {
    const t = new Timeline({ a: 1, b: 1 });
    const out: Message[] = [];
    const errors: string[] = [];
    let fail: ParleyError = localError('disconnected', 'gone');
    const runner = new SyncRunner({
      timeline: t,
      sync: () => Promise.reject(new Error('not expected')),
      history: () => Promise.reject(fail),
      deliver: (m) => out.push(...m),
      onConversationError: (id, e) => errors.push(`${id}:${e.code}`),
    });
    t.receive(msg('a', 3));
    await expect(runner.run(false)).rejects.toMatchObject({ localFailure: 'disconnected' });
    fail = new ParleyError('not_member', 'removed');
    await runner.run(false);
    expect(errors).toEqual(['a:not_member']);
    expect(seqs(out)).toEqual(['a3']);
  });
});

describe('store epochs', () => {
  it('sends the epoch it holds, and on `reset` drops everything held and starts over from the result', async () => {
    const requests: SyncRequest[] = [];
    // The store was restored from a backup: it has a1..a2 now, while the device held a1..a5 under epoch "old".
    const restored = [msg('a', 1), msg('a', 2)];
    const sync = (request: SyncRequest): Promise<SyncResultData> => {
      requests.push(request);
      const reset = request.epoch !== 'new';
      const after = reset ? 0 : (request.cursors.a ?? 0);
      return Promise.resolve({
        conversations: [summary('a', 2)],
        messages: restored.filter((m) => m.seq > after),
        truncated: [],
        epoch: 'new',
        ...(reset ? { reset: true as const } : {}),
      });
    };
    const t = new Timeline({ a: 5 }, { epoch: 'old' });
    const out: Message[] = [];
    const resets: string[] = [];
    const runner = new SyncRunner({
      timeline: t,
      sync,
      history: () => Promise.resolve({ messages: [], hasMore: false }),
      deliver: (m) => out.push(...m),
      onReset: (epoch) => resets.push(epoch),
    });
    await runner.run(true);
    expect(requests[0]).toEqual({ cursors: { a: 5 }, complete: true, epoch: 'old' });
    expect(resets).toEqual(['new']);
    // Started over: a1 and a2 are handed out although the old cursor was 5.
    expect(seqs(out)).toEqual(['a1', 'a2']);
    expect(t.cursors()).toEqual({ a: 2 });
    expect(t.epoch).toBe('new');
    await runner.run(true);
    expect(requests[1]).toEqual({ cursors: { a: 2 }, complete: true, epoch: 'new' });
    expect(resets).toEqual(['new']);
  });
});
