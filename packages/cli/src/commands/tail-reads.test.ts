import { describe, expect, it } from 'vitest';
import { ReadMarker } from './tail-reads';

/** A send that waits until the test releases it, recording what it was asked. */
function gatedSend() {
  const asked: number[] = [];
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const send = (seq: number) =>
    new Promise<void>((resolve, reject) => {
      asked.push(seq);
      pending.push({ resolve, reject });
    });
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { asked, pending, send, tick };
}

describe('ReadMarker', () => {
  it('sends one receipt for a burst: the newest seq shown while the previous one was in flight', async () => {
    const gate = gatedSend();
    const reads = new ReadMarker(gate.send);
    reads.shown(1);
    reads.shown(2);
    reads.shown(3);
    await gate.tick();
    expect(gate.asked).toEqual([1]);
    gate.pending.shift()!.resolve();
    await gate.tick();
    expect(gate.asked).toEqual([1, 3]);
    gate.pending.shift()!.resolve();
    await reads.settled(1000);
    // Nothing newer: nothing more, and an older seq never goes out.
    reads.shown(2);
    await gate.tick();
    expect(gate.asked).toEqual([1, 3]);
  });

  it('keeps what failed and sends it on retry', async () => {
    const gate = gatedSend();
    const reads = new ReadMarker(gate.send);
    reads.shown(5);
    await gate.tick();
    gate.pending.shift()!.reject(new Error('offline'));
    await reads.settled(1000);
    expect(gate.asked).toEqual([5]);
    reads.retry();
    await gate.tick();
    expect(gate.asked).toEqual([5, 5]);
    gate.pending.shift()!.resolve();
    await reads.settled(1000);
    reads.retry();
    await gate.tick();
    expect(gate.asked).toEqual([5, 5]);
  });

  it('stops waiting for a receipt that never answers', async () => {
    const gate = gatedSend();
    const reads = new ReadMarker(gate.send);
    reads.shown(1);
    const started = Date.now();
    await reads.settled(50);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
