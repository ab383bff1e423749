import { describe, expect, it } from 'vitest';
import type { Conversation, ConversationSummary, Message } from '@parley/protocol';
import { ParleyError, localError } from './errors';
import { msg } from './fake-socket.test-helper';
import { applySyncResult, SyncRunner, type HistoryPage, type SyncResultData } from './sync';
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
  };
}

const seqs = (messages: Message[]) => messages.map((m) => `${m.conversationId}${m.seq}`);
const range = (c: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => msg(c, from + i));

/** A server with fixed message lists, answering sync and history like the real one. */
function store(conversations: Record<string, Message[]>, options: { syncLimit?: number; pageSize?: number } = {}) {
  const calls: string[] = [];
  const sync = (cursors: Record<string, number>): Promise<SyncResultData> => {
    calls.push(`sync ${JSON.stringify(cursors)}`);
    const result: SyncResultData = { conversations: [], messages: [], truncated: [] };
    for (const [id, messages] of Object.entries(conversations)) {
      result.conversations.push(summary(id, messages.at(-1)?.seq ?? 0));
      const after = cursors[id] ?? 0;
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
    expect(server.calls).toEqual(['sync {"a":0,"b":0}', 'history a 3', 'history a 5']);
    expect(summaries).toEqual(['a', 'b']);
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
