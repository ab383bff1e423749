/**
 * Catching up (guarantee 5): after every (re)connect the client sends `sync` with
 * its cursors (and, once it has state, `complete: true`: see Timeline.complete), applies the missed messages, pages the conversations the server
 * `truncated` with `history` (after = cursor), and fills any gap that live events
 * left open. `applySyncResult` is pure; `SyncRunner` sequences the requests (one
 * pass at a time, later requests coalesced) through injected functions, so it runs
 * without a socket in tests.
 */
import type { ConversationSummary, Message } from '@parley/protocol';
import { toParleyError, type ParleyError } from './errors';
import type { Timeline } from './timeline';

/** The data of a `sync` result. */
export interface SyncResultData {
  conversations: ConversationSummary[];
  messages: Message[];
  truncated: string[];
  /** Conversations the cursors named that the user can no longer read (left, removed or deleted while away). */
  removed?: string[];
  /** The store's identity. */
  epoch: string;
  /** The cursors sent were not this store's: start over from this result. */
  reset?: true;
}

/** What a `sync` request carries (see the protocol's `sync` frame). */
export interface SyncRequest {
  /** Highest contiguous seq held, per conversation id. */
  cursors: Record<string, number>;
  /** Present (true) when the device has state: `cursors` names every conversation it holds. */
  complete?: true;
  /** The store epoch the cursors came from, once known. */
  epoch?: string;
}

/** The data of a `history` result. */
export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

/**
 * Applies a `sync` result to the timeline. `sent` is the cursors the request
 * carried. Conversations without a cursor get their base from the result: the seq
 * before their first missed message, or their last seq when nothing was missed.
 * Returns the messages to hand to the app (in seq order per conversation) and the
 * conversations that still need paging.
 */
export function applySyncResult(
  timeline: Timeline,
  sent: Readonly<Record<string, number>>,
  result: SyncResultData,
): { delivered: Message[]; truncated: string[] } {
  const byConversation = new Map<string, Message[]>();
  for (const message of result.messages) {
    const list = byConversation.get(message.conversationId);
    if (list === undefined) byConversation.set(message.conversationId, [message]);
    else list.push(message);
  }
  const lastSeq = new Map(result.conversations.map((s) => [s.conversation.id, s.conversation.lastSeq]));
  const ids = new Set([...lastSeq.keys(), ...byConversation.keys()]);
  const delivered: Message[] = [];
  for (const conversationId of ids) {
    const messages = (byConversation.get(conversationId) ?? []).sort((a, b) => a.seq - b.seq);
    let after = sent[conversationId];
    if (after === undefined) {
      const first = messages[0];
      after = first !== undefined ? first.seq - 1 : (lastSeq.get(conversationId) ?? 0);
      delivered.push(...timeline.establish(conversationId, after));
    }
    delivered.push(...timeline.applyPage(conversationId, after, messages));
  }
  return { delivered, truncated: [...new Set(result.truncated)] };
}

/** What a {@link SyncRunner} needs from the client. */
export interface SyncRunnerDeps {
  timeline: Timeline;
  sync: (request: SyncRequest) => Promise<SyncResultData>;
  history: (conversationId: string, after: number) => Promise<HistoryPage>;
  /** Hands messages to the app, in order. */
  deliver: (messages: Message[]) => void;
  /** The server said the held state is from another store: it was dropped (see `reset`). */
  onReset?: (epoch: string) => void;
  /** Receives the conversation summaries of every `sync` result. */
  onSummaries?: (summaries: ConversationSummary[]) => void;
  /** A conversation held that the user no longer has (left, removed or deleted while away): drop it. */
  onRemoved?: (conversationId: string) => void;
  /** A conversation whose history could not be read for a non-retryable reason. */
  onConversationError?: (conversationId: string, error: ParleyError) => void;
  /** Fetches that fill nothing before a gap is given up and held messages are flushed. Default 3. */
  maxStalls?: number;
}

/**
 * Runs catch-up passes one at a time. `run(true)` does a full `sync` first; `run(false)`
 * only fills gaps (and syncs if some conversation has no base yet).
 */
export class SyncRunner {
  private running: Promise<void> | undefined;
  private again = false;
  private full = false;
  private readonly stalls = new Map<string, number>();

  constructor(private readonly deps: SyncRunnerDeps) {}

  /** Requests a pass; resolves when a pass that started after this call has finished. */
  run(full: boolean): Promise<void> {
    this.full ||= full;
    this.again = true;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** True while a pass is running. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  private async loop(): Promise<void> {
    try {
      while (this.again) {
        this.again = false;
        const full = this.full;
        this.full = false;
        await this.pass(full);
      }
    } finally {
      this.again = false;
      this.full = false;
    }
  }

  private async pass(full: boolean): Promise<void> {
    const { timeline } = this.deps;
    const toPage = new Set<string>();
    if (full || timeline.unknown().length > 0) {
      let cursors = timeline.cursors();
      let unknownBefore = timeline.unknown();
      // P9: a device with state names every conversation it holds, so the server starts
      // one it does not hold (created or joined while it was away) at the membership start.
      const request: SyncRequest = timeline.complete ? { cursors, complete: true } : { cursors };
      if (timeline.epoch !== undefined) request.epoch = timeline.epoch;
      const result = await this.deps.sync(request);
      if (result.reset) {
        // Another store (or a restored backup): nothing held may be trusted.
        timeline.reset();
        cursors = {};
        unknownBefore = [];
        this.deps.onReset?.(result.epoch);
      }
      timeline.epoch = result.epoch;
      for (const id of result.removed ?? []) this.deps.onRemoved?.(id);
      this.deps.onSummaries?.(result.conversations);
      const applied = applySyncResult(timeline, cursors, result);
      timeline.markComplete();
      this.deps.deliver(applied.delivered);
      for (const id of applied.truncated) toPage.add(id);
      // A conversation the sync did not mention although it already had messages
      // when the sync was sent: start at its lowest held message. (One first seen
      // during the sync waits for the next pass.)
      for (const id of unknownBefore) this.deps.deliver(timeline.establish(id, Number.POSITIVE_INFINITY));
    }
    for (const gap of timeline.gaps()) toPage.add(gap.conversationId);
    for (const conversationId of toPage) await this.page(conversationId);
  }

  /** Pages one conversation forward from its cursor until the server has nothing more. */
  private async page(conversationId: string): Promise<void> {
    const { timeline } = this.deps;
    const start = timeline.cursor(conversationId) ?? 0;
    let cursor = start;
    for (;;) {
      let page: HistoryPage;
      try {
        page = await this.deps.history(conversationId, cursor);
      } catch (reason) {
        const error = toParleyError(reason);
        if (error.retryable) throw error;
        // Not visible any more (left, removed): hand over what we hold and stop asking.
        this.deps.deliver(timeline.flush(conversationId));
        this.deps.onConversationError?.(conversationId, error);
        return;
      }
      this.deps.deliver(timeline.applyPage(conversationId, cursor, page.messages));
      const next = timeline.cursor(conversationId) ?? cursor;
      if (!page.hasMore || next <= cursor) break;
      cursor = next;
    }
    const progressed = (timeline.cursor(conversationId) ?? 0) > start;
    if (progressed || timeline.heldCount(conversationId) === 0) {
      this.stalls.delete(conversationId);
      return;
    }
    const stalls = (this.stalls.get(conversationId) ?? 0) + 1;
    if (stalls < (this.deps.maxStalls ?? 3)) {
      this.stalls.set(conversationId, stalls);
      return;
    }
    // The server keeps saying nothing fills the gap: do not stall the conversation forever.
    this.stalls.delete(conversationId);
    this.deps.deliver(timeline.flush(conversationId));
  }
}
