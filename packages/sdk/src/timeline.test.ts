import { describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { msg } from './fake-socket.test-helper';
import { Timeline } from './timeline';

const seqs = (messages: Message[]) => messages.map((m) => m.seq);

/** Deterministic PRNG so a failing shuffle can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Timeline', () => {
  it('knows whether the device has state (P9): persisted cursors, even none, or a sync applied', () => {
    expect(new Timeline().complete).toBe(false);
    expect(new Timeline({}).complete).toBe(true);
    expect(new Timeline({ c: 3 }).complete).toBe(true);
    // Cursors that name only the conversations an app follows are not the device's state.
    const partial = new Timeline({ c: 3 }, { complete: false });
    expect(partial.complete).toBe(false);
    partial.markComplete();
    expect(partial.complete).toBe(true);
    expect(partial.cursors()).toEqual({ c: 3 });
  });

  it('delivers in-order messages at once and advances the cursor', () => {
    const t = new Timeline({ c: 0 });
    expect(seqs(t.receive(msg('c', 1)))).toEqual([1]);
    expect(seqs(t.receive(msg('c', 2)))).toEqual([2]);
    expect(t.cursor('c')).toBe(2);
    expect(t.cursors()).toEqual({ c: 2 });
  });

  it('drops duplicates, whether already delivered or still held', () => {
    const t = new Timeline({ c: 0 });
    t.receive(msg('c', 1));
    expect(t.receive(msg('c', 1))).toEqual([]);
    expect(t.receive(msg('c', 3))).toEqual([]);
    expect(t.receive(msg('c', 3))).toEqual([]);
    expect(t.heldCount('c')).toBe(1);
    expect(seqs(t.receive(msg('c', 2)))).toEqual([2, 3]);
  });

  it('holds messages after a gap and reports the gap', () => {
    const t = new Timeline({ c: 4, d: 0 });
    expect(t.receive(msg('c', 7))).toEqual([]);
    expect(t.receive(msg('c', 6))).toEqual([]);
    expect(t.gaps()).toEqual([{ conversationId: 'c', after: 4 }]);
    expect(seqs(t.receive(msg('c', 5)))).toEqual([5, 6, 7]);
    expect(t.gaps()).toEqual([]);
  });

  it('fills a gap from an authoritative page merged with held messages', () => {
    const t = new Timeline({ c: 4 });
    t.receive(msg('c', 8));
    t.receive(msg('c', 6));
    // The page (after 4) has 5..7; 8 is held: all four come out in order.
    expect(seqs(t.applyPage('c', 4, [msg('c', 5), msg('c', 6), msg('c', 7)]))).toEqual([5, 6, 7, 8]);
    expect(t.cursor('c')).toBe(8);
  });

  it('treats seqs missing from a page as not visible (e.g. before we joined)', () => {
    const t = new Timeline({ c: 0 });
    t.receive(msg('c', 52));
    expect(seqs(t.applyPage('c', 0, [msg('c', 50), msg('c', 51)]))).toEqual([50, 51, 52]);
    expect(t.cursor('c')).toBe(52);
  });

  it('ignores what a page repeats below the cursor (live messages overtook it)', () => {
    const t = new Timeline({ c: 2 });
    t.receive(msg('c', 3));
    t.receive(msg('c', 4));
    expect(seqs(t.applyPage('c', 2, [msg('c', 3), msg('c', 4), msg('c', 5)]))).toEqual([5]);
  });

  it('does not let a page that starts past the cursor skip the range before it', () => {
    const t = new Timeline({ c: 2 });
    expect(t.applyPage('c', 5, [msg('c', 6), msg('c', 7)])).toEqual([]);
    expect(t.gaps()).toEqual([{ conversationId: 'c', after: 2 }]);
    expect(seqs(t.applyPage('c', 2, [msg('c', 3), msg('c', 4), msg('c', 5)]))).toEqual([3, 4, 5, 6, 7]);
  });

  it('holds messages of an unknown conversation until a base is established', () => {
    const t = new Timeline();
    expect(t.receive(msg('n', 11))).toEqual([]);
    expect(t.cursor('n')).toBeUndefined();
    expect(t.unknown()).toEqual(['n']);
    expect(t.gaps()).toEqual([]);
    // The server's base is 12, but we already hold 11: keep it.
    expect(seqs(t.establish('n', 12))).toEqual([11]);
    expect(t.cursor('n')).toBe(11);
    expect(t.establish('n', 3)).toEqual([]);
    expect(t.cursor('n')).toBe(11);
  });

  it('flushes held messages in order when a gap is given up', () => {
    const t = new Timeline({ c: 1 });
    t.receive(msg('c', 9));
    t.receive(msg('c', 4));
    expect(seqs(t.flush('c'))).toEqual([4, 9]);
    expect(t.cursor('c')).toBe(9);
    expect(t.gaps()).toEqual([]);
  });

  it('forgets a conversation', () => {
    const t = new Timeline({ c: 3, d: 1 });
    t.forget('c');
    expect(t.cursors()).toEqual({ d: 1 });
  });

  it('ignores invalid seeded cursors', () => {
    expect(new Timeline({ a: -1, b: 1.5, c: 2 }).cursors()).toEqual({ c: 2 });
  });

  // Old state + any interleaving of live events, duplicates and gap-filling pages
  // == the conversation fetched fresh: every message once, in seq order.
  it('turns any shuffle with duplicates into exactly the ordered sequence', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const random = prng(seed);
      const total = 1 + Math.floor(random() * 40);
      const all = Array.from({ length: total }, (_, i) => msg('c', i + 1));
      const live = all.filter(() => random() < 0.8);
      const stream = [...live, ...live.filter(() => random() < 0.3)].sort(() => random() - 0.5);
      const t = new Timeline({ c: 0 });
      const out: Message[] = [];
      for (const m of stream) {
        out.push(...t.receive(m));
        if (random() < 0.1) {
          // A page answering the current gap, possibly short.
          const after = t.cursor('c') ?? 0;
          out.push(...t.applyPage('c', after, all.slice(after, after + 1 + Math.floor(random() * 5))));
        }
      }
      // Fill what is still missing, page by page, as the sync runner does.
      while ((t.cursor('c') ?? 0) < total) {
        const after = t.cursor('c') ?? 0;
        out.push(...t.applyPage('c', after, all.slice(after, after + 3)));
      }
      expect(seqs(out), `seed ${seed}`).toEqual(seqs(all));
      expect(new Set(out.map((m) => m.id)).size).toBe(total);
      expect(t.heldCount('c')).toBe(0);
    }
  });
});
