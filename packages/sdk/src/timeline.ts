/**
 * The per-conversation ordering state that makes the app see each message exactly
 * once and in seq order (guarantees 4 and 5 on the client side). For every
 * conversation it keeps a cursor, the highest seq already handed to the app, and
 * the messages that arrived ahead of a gap. It is pure: no sockets, no timers. The
 * caller feeds it live messages and authoritative pages (from `sync` or `history`)
 * and asks it which conversations still have a gap to fill.
 *
 * Duplicates are recognised by seq, which the server assigns together with the
 * message id: a message at or below the cursor, or at a seq already held, has been
 * seen. A page answering "messages after N" is authoritative: a seq missing from it
 * is not visible to us (for example from before we joined), so it does not stall
 * the conversation.
 */
import type { Message } from '@parley/protocol';

interface ConversationState {
  /** Highest seq handed to the app; undefined until a base is known. */
  cursor: number | undefined;
  /** Messages received ahead of the cursor, by seq. */
  held: Map<number, Message>;
}

/** A conversation whose held messages wait for the messages after `after`. */
export interface Gap {
  conversationId: string;
  after: number;
}

/**
 * Ordering and dedupe state for all conversations.
 *
 * @example
 * ```ts
 * const timeline = new Timeline({ c1: 4 });
 * timeline.receive(msg(c1, 6)); // [] : seq 5 is missing, 6 is held
 * timeline.gaps();              // [{ conversationId: 'c1', after: 4 }]
 * timeline.applyPage('c1', 4, [msg(c1, 5), msg(c1, 6)]); // [5, 6]
 * ```
 */
export class Timeline {
  private readonly conversations = new Map<string, ConversationState>();
  private stateful: boolean;
  /** The store epoch of the last `sync` applied (or the one persisted with the cursors). */
  epoch: string | undefined;

  /**
   * Starts from cursors an app persisted (conversation id -> highest seq held), or
   * empty for a new device. Given cursors (even `{}`) mean the device has state:
   * they name every conversation it holds (see {@link Timeline.complete}), unless
   * `options.complete` is false (they name only some, e.g. one conversation followed).
   */
  constructor(
    initial?: Readonly<Record<string, number>>,
    options: { complete?: boolean; epoch?: string | undefined } = {},
  ) {
    this.stateful = initial !== undefined && options.complete !== false;
    this.epoch = options.epoch;
    for (const [conversationId, cursor] of Object.entries(initial ?? {})) {
      if (Number.isInteger(cursor) && cursor >= 0) {
        this.conversations.set(conversationId, { cursor, held: new Map() });
      }
    }
  }

  /**
   * True when the device has state: it was given persisted cursors or has applied a
   * `sync`. Its cursors then name every conversation it holds, so `sync` sends
   * `complete: true` and the server starts any other conversation where the
   * membership starts (P9), not after the delivered cursor another device moved.
   */
  get complete(): boolean {
    return this.stateful;
  }

  /** Records that a `sync` result was applied: from now on the device has state. */
  markComplete(): void {
    this.stateful = true;
  }

  /** Forgets every conversation (cursors and held messages): the device starts over as a new one. */
  reset(): void {
    this.conversations.clear();
    this.stateful = false;
  }

  /** The cursor of one conversation, or undefined when its base is not known yet. */
  cursor(conversationId: string): number | undefined {
    return this.conversations.get(conversationId)?.cursor;
  }

  /** Every known cursor, as sent in a `sync` frame. */
  cursors(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [conversationId, state] of this.conversations) {
      if (state.cursor !== undefined) out[conversationId] = state.cursor;
    }
    return out;
  }

  /**
   * A live message (a `message.new` event or a send ack). Returns the messages that
   * became deliverable, ascending; empty when it was a duplicate or lies beyond a gap.
   */
  receive(message: Message): Message[] {
    const state = this.state(message.conversationId);
    if (state.cursor !== undefined && message.seq <= state.cursor) return [];
    if (state.held.has(message.seq)) return [];
    state.held.set(message.seq, message);
    return this.drain(state);
  }

  /**
   * Sets the base of a conversation whose cursor is unknown (from `sync`, which
   * resumes such conversations from the server's delivered cursor). Messages
   * already held below it are kept: the base becomes the lower of the two. No-op
   * when the cursor is already known. Returns the messages that became deliverable.
   */
  establish(conversationId: string, base: number): Message[] {
    const state = this.state(conversationId);
    if (state.cursor !== undefined) return [];
    const lowestHeld = Math.min(...state.held.keys());
    state.cursor = Math.max(0, Math.min(base, lowestHeld - 1));
    return this.drain(state);
  }

  /**
   * An authoritative page: every message visible to us with seq > `after`, ascending,
   * up to its last element (more may follow). Held messages in that range are merged
   * in. Returns the messages that became deliverable, ascending.
   */
  applyPage(conversationId: string, after: number, messages: readonly Message[]): Message[] {
    const state = this.state(conversationId);
    if (state.cursor === undefined || after > state.cursor) {
      // The page does not start at our cursor: it cannot vouch for the range
      // before it, so its messages only join the held ones.
      for (const message of messages) {
        if (message.conversationId === conversationId) this.receiveInto(state, message);
      }
      return this.drain(state);
    }
    const delivered: Message[] = [];
    let last = state.cursor;
    for (const message of messages) {
      if (message.conversationId !== conversationId || message.seq <= last) continue;
      last = message.seq;
      if (!state.held.has(message.seq)) state.held.set(message.seq, message);
    }
    // Everything up to `last` is now known: hand it over in seq order.
    const upTo = [...state.held.keys()].filter((seq) => seq <= last).sort((a, b) => a - b);
    for (const seq of upTo) {
      const message = state.held.get(seq);
      state.held.delete(seq);
      if (message !== undefined && seq > (state.cursor ?? 0)) {
        delivered.push(message);
        state.cursor = seq;
      }
    }
    if (last > (state.cursor ?? 0)) state.cursor = last;
    delivered.push(...this.drain(state));
    return delivered;
  }

  /**
   * Gives up on a gap: hands over every held message of the conversation in seq
   * order. Used only when the server keeps answering that nothing fills the gap.
   */
  flush(conversationId: string): Message[] {
    const state = this.conversations.get(conversationId);
    if (state === undefined) return [];
    const seqs = [...state.held.keys()].sort((a, b) => a - b);
    const delivered: Message[] = [];
    for (const seq of seqs) {
      const message = state.held.get(seq);
      if (message !== undefined) delivered.push(message);
      state.cursor = seq;
    }
    state.held.clear();
    return delivered;
  }

  /** Conversations with a known cursor and held messages beyond a gap. */
  gaps(): Gap[] {
    const out: Gap[] = [];
    for (const [conversationId, state] of this.conversations) {
      if (state.cursor !== undefined && state.held.size > 0) out.push({ conversationId, after: state.cursor });
    }
    return out;
  }

  /** Conversations that received messages but have no base yet (resolved by `sync`). */
  unknown(): string[] {
    const out: string[] = [];
    for (const [conversationId, state] of this.conversations) {
      if (state.cursor === undefined && state.held.size > 0) out.push(conversationId);
    }
    return out;
  }

  /** Number of messages held ahead of a gap in one conversation. */
  heldCount(conversationId: string): number {
    return this.conversations.get(conversationId)?.held.size ?? 0;
  }

  /** Drops all state of a conversation (we left it or were removed). */
  forget(conversationId: string): void {
    this.conversations.delete(conversationId);
  }

  private state(conversationId: string): ConversationState {
    let state = this.conversations.get(conversationId);
    if (state === undefined) {
      state = { cursor: undefined, held: new Map() };
      this.conversations.set(conversationId, state);
    }
    return state;
  }

  private receiveInto(state: ConversationState, message: Message): void {
    if (state.cursor !== undefined && message.seq <= state.cursor) return;
    if (!state.held.has(message.seq)) state.held.set(message.seq, message);
  }

  /** Hands over held messages that continue the cursor without a gap. */
  private drain(state: ConversationState): Message[] {
    if (state.cursor === undefined) return [];
    const delivered: Message[] = [];
    for (;;) {
      const next = state.held.get(state.cursor + 1);
      if (next === undefined) break;
      state.held.delete(next.seq);
      state.cursor = next.seq;
      delivered.push(next);
    }
    return delivered;
  }
}
