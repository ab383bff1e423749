import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '@parley/protocol';
import { ParleyError, localError } from './errors';
import { msg } from './fake-socket.test-helper';
import { Outbox, type OutboxEntry, type SendAck } from './outbox';

interface Call {
  entry: OutboxEntry;
  resolve(ack: SendAck): void;
  reject(error: ParleyError): void;
}

/** An outbox whose sends the test answers by hand. */
function setup() {
  const calls: Call[] = [];
  const acked: string[] = [];
  const rejected: string[] = [];
  let seq = 0;
  const outbox = new Outbox({
    send: (entry) =>
      new Promise<SendAck>((resolve, reject) => {
        calls.push({ entry, resolve, reject });
      }),
    onAcked: (_ack, entry) => acked.push(entry.clientId),
    onRejected: (_error, entry) => rejected.push(entry.clientId),
    random: () => 0.5,
  });
  const ack = (call: Call | undefined, duplicate = false): Message => {
    if (call === undefined) throw new Error('no such call');
    seq += 1;
    const message = { ...msg(call.entry.conversationId, seq, 'me', call.entry.clientId) };
    call.resolve({ message, duplicate });
    return message;
  };
  return { outbox, calls, acked, rejected, ack };
}

const text = (t: string) => ({ type: 'text' as const, text: t });

describe('Outbox', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for the connection, then sends one message per conversation at a time, in order', async () => {
    const { outbox, calls, ack } = setup();
    const p1 = outbox.enqueue('c', text('one'));
    const p2 = outbox.enqueue('c', text('two'));
    const p3 = outbox.enqueue('d', text('other'));
    expect(calls).toHaveLength(0);
    expect(outbox.pending().map((e) => (e.content as { text: string }).text)).toEqual(['one', 'two', 'other']);
    outbox.setOnline(true);
    // c sends "one" only; d progresses independently.
    expect(calls.map((c) => (c.entry.content as { text: string }).text)).toEqual(['one', 'other']);
    const m1 = ack(calls[0]);
    await expect(p1).resolves.toEqual(m1);
    expect(calls.map((c) => (c.entry.content as { text: string }).text)).toEqual(['one', 'other', 'two']);
    ack(calls[2]);
    ack(calls[1]);
    await expect(p2).resolves.toMatchObject({ conversationId: 'c', seq: 2 });
    await expect(p3).resolves.toMatchObject({ conversationId: 'd' });
    expect(outbox.pending()).toEqual([]);
  });

  it('generates a valid client id once and reuses it after a disconnect', async () => {
    const { outbox, calls, ack, acked } = setup();
    outbox.setOnline(true);
    const p = outbox.enqueue('c', text('hello'));
    const first = calls[0]!;
    expect(first.entry.clientId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    outbox.setOnline(false);
    first.reject(localError('disconnected', 'socket closed'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1); // no retry while offline
    outbox.setOnline(true);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.entry.clientId).toBe(first.entry.clientId);
    expect(calls[1]!.entry.attempts).toBe(2);
    ack(calls[1], true);
    await expect(p).resolves.toMatchObject({ clientId: first.entry.clientId });
    expect(acked).toEqual([first.entry.clientId]);
  });

  it('retries a retryable server error after retryAfterMs, keeping later messages behind it', async () => {
    const { outbox, calls, ack } = setup();
    outbox.setOnline(true);
    const p1 = outbox.enqueue('c', text('one'), 'id-1');
    const p2 = outbox.enqueue('c', text('two'), 'id-2');
    calls[0]!.reject(new ParleyError('rate_limited', 'slow down', { details: { retryAfterMs: 1000 } }));
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.map((c) => c.entry.clientId)).toEqual(['id-1']);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.entry.clientId)).toEqual(['id-1', 'id-1']);
    ack(calls[1]);
    await vi.advanceTimersByTimeAsync(0);
    ack(calls[2]);
    await expect(p1).resolves.toMatchObject({ clientId: 'id-1', seq: 1 });
    await expect(p2).resolves.toMatchObject({ clientId: 'id-2', seq: 2 });
  });

  it('retries a timeout with backoff and the same client id', async () => {
    const { outbox, calls, ack } = setup();
    outbox.setOnline(true);
    const p = outbox.enqueue('c', text('one'), 'same');
    calls[0]!.reject(localError('timeout', 'no answer'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.map((c) => c.entry.clientId)).toEqual(['same', 'same']);
    ack(calls[1]);
    await expect(p).resolves.toMatchObject({ clientId: 'same' });
  });

  it('rejects a message on a non-retryable error and moves on to the next', async () => {
    const { outbox, calls, ack, rejected } = setup();
    outbox.setOnline(true);
    const p1 = outbox.enqueue('c', text('too big'), 'big');
    const p2 = outbox.enqueue('c', text('fine'), 'ok');
    calls[0]!.reject(new ParleyError('message_too_large', 'too large'));
    await expect(p1).rejects.toMatchObject({ code: 'message_too_large' });
    expect(rejected).toEqual(['big']);
    expect(calls[1]!.entry.clientId).toBe('ok');
    ack(calls[1]);
    await expect(p2).resolves.toMatchObject({ clientId: 'ok' });
  });

  it('returns the first promise when the same client id is queued twice', () => {
    const { outbox, calls } = setup();
    outbox.setOnline(true);
    const a = outbox.enqueue('c', text('x'), 'dup');
    const b = outbox.enqueue('c', text('x'), 'dup');
    expect(b).toBe(a);
    expect(calls).toHaveLength(1);
  });

  it('rejects everything queued when closed, and ignores late answers', async () => {
    const { outbox, calls, ack, rejected } = setup();
    outbox.setOnline(true);
    const p1 = outbox.enqueue('c', text('a'), 'a');
    const p2 = outbox.enqueue('c', text('b'), 'b');
    outbox.rejectAll(localError('closed', 'closed'));
    await expect(p1).rejects.toMatchObject({ localFailure: 'closed' });
    await expect(p2).rejects.toMatchObject({ localFailure: 'closed' });
    expect(rejected).toEqual(['a', 'b']);
    ack(calls[0]);
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.pending()).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('turns a send function that throws into a retry, not a crash', async () => {
    let n = 0;
    const outbox = new Outbox({
      send: (entry) => {
        n += 1;
        if (n === 1) throw new ParleyError('unavailable', 'boom');
        return Promise.resolve({ message: msg(entry.conversationId, 1, 'me', entry.clientId), duplicate: false });
      },
      random: () => 0,
    });
    outbox.setOnline(true);
    const p = outbox.enqueue('c', text('x'), 'x');
    await vi.advanceTimersByTimeAsync(1);
    await expect(p).resolves.toMatchObject({ clientId: 'x' });
    expect(n).toBe(2);
  });
});
