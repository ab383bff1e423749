/**
 * Resuming after a disconnect (guarantees 4 and 5): the client sends the highest
 * contiguous seq it holds per conversation; it gets its conversation list and
 * every entry after those cursors, in order, up to a page per conversation.
 *
 * Where a conversation the client does not name starts (P9) depends on the device,
 * never on another device of the same user:
 * - a device with state (`complete`) holds every conversation it names, so any other
 *   one is new to it (created or joined while it was away, or dropped from its state):
 *   it starts where the membership starts, with the creation or join entry;
 * - a new device (no `complete`) starts after the member's delivered cursor, which is
 *   what none of the user's devices reported yet, and never before the membership
 *   starts; older entries come through `history`.
 *
 * Cursors carry the store's epoch (its identity): cursors from another store, or
 * from this one before a backup was restored, are detected and the device is told
 * to start over (`reset`), never resumed from positions that mean something else.
 */
import type { ConversationSummary, Message } from '@parley/protocol';
import type { AuthContext } from './accounts';
import type { ServiceDeps } from './deps';

export interface SyncInput {
  /** Highest contiguous seq the device holds, per conversation id. */
  cursors: Record<string, number>;
  /** Entries per conversation; at most the history page limit. */
  limit?: number | undefined;
  /** The device has state and `cursors` names every conversation it holds. */
  complete?: boolean | undefined;
  /** The store epoch the cursors came from. */
  epoch?: string | undefined;
}

export interface SyncOutput {
  conversations: ConversationSummary[];
  messages: Message[];
  truncated: string[];
  epoch: string;
  /** Conversations the cursors name that the user can no longer read (left, removed or deleted while away). */
  removed?: string[];
  /** The cursors were not this store's: they were ignored (the device is resynced as a new one). */
  reset?: true;
}

/** Most conversations one sync returns; a user in more gets the most active ones. */
const SYNC_CONVERSATIONS_MAX = 1000;

export class SyncService {
  constructor(private readonly deps: ServiceDeps) {}

  async sync(auth: AuthContext, request: SyncInput): Promise<SyncOutput> {
    const pageSize = Math.min(request.limit ?? this.deps.limits.historyPageMax, this.deps.limits.historyPageMax);
    const [conversations, epoch] = await Promise.all([
      this.deps.store.listConversationSummaries(auth.user.id, { limit: SYNC_CONVERSATIONS_MAX }),
      this.deps.store.getEpoch(),
    ]);
    const reset = fromAnotherStore(request, epoch, conversations);
    // Cursors from another store are not trusted: the device starts over as a new one.
    const input: SyncInput = reset ? { cursors: {} } : request;
    const { cursors } = input;
    const unnamed = conversations.map((s) => s.conversation.id).filter((id) => !Object.hasOwn(cursors, id));
    const starts = await this.deps.store.listMembershipStarts(auth.user.id, unnamed);
    const messages: Message[] = [];
    const truncated: string[] = [];
    for (const summary of conversations) {
      const { id, lastSeq } = summary.conversation;
      const named = Object.hasOwn(cursors, id);
      const start = starts.get(id);
      // Left between the two reads: the list says so at the next sync; send none of it.
      if (!named && start === undefined) continue;
      const cursor = named
        ? (cursors[id] ?? 0)
        : input.complete === true
          ? (start ?? 0) // P9: new to this device
          : Math.max(summary.deliveredSeq, start ?? 0); // P9: a new device; what came before the membership is history
      if (lastSeq <= cursor) continue;
      const page = await this.deps.store.listMessages(id, { after: cursor, limit: pageSize });
      // Current state with the reader's own reactions; the update entries in the page say what changed.
      messages.push(...(await this.deps.store.withMyReactions(auth.user.id, page)));
      if (lastSeq - cursor > page.length) truncated.push(id);
    }
    const removed = await this.removedSince(auth.user.id, cursors, conversations);
    return {
      conversations,
      messages,
      truncated,
      epoch,
      ...(removed.length > 0 ? { removed } : {}),
      ...(reset ? { reset: true as const } : {}),
    };
  }

  /**
   * The conversations a device holds (its cursors) that the user no longer belongs to, or
   * that were deleted (ADR 0020), while it was away: the device drops them. Those in the
   * list are still there; the rest are checked in one read (a user in more conversations
   * than one sync lists still has them).
   */
  private async removedSince(
    userId: string,
    cursors: Readonly<Record<string, number>>,
    conversations: readonly ConversationSummary[],
  ): Promise<string[]> {
    const listed = new Set(conversations.map((s) => s.conversation.id));
    const unlisted = Object.keys(cursors).filter((id) => !listed.has(id));
    if (unlisted.length === 0) return [];
    const still = await this.deps.store.listMembershipStarts(userId, unlisted);
    return unlisted.filter((id) => !still.has(id));
  }

  /**
   * Gives the store a new identity, so that every client resyncs as a new device
   * instead of trusting its cursors: what an operator runs after restoring a backup
   * (`parley store rotate-epoch`). Returns the new epoch.
   */
  rotateEpoch(): Promise<string> {
    return this.deps.store.rotateEpoch();
  }
}

/**
 * Cursors that cannot be this store's: another epoch, or a cursor beyond a
 * conversation's last seq (entries the client holds and the store no longer has:
 * a backup restored under the same epoch). Either way the client's state would
 * silently skip or mix up entries if trusted.
 */
function fromAnotherStore(input: SyncInput, epoch: string, conversations: readonly ConversationSummary[]): boolean {
  if (input.epoch !== undefined && input.epoch !== epoch) return true;
  return conversations.some(({ conversation }) => (input.cursors[conversation.id] ?? 0) > conversation.lastSeq);
}
