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
}

export interface SyncOutput {
  conversations: ConversationSummary[];
  messages: Message[];
  truncated: string[];
}

/** Most conversations one sync returns; a user in more gets the most active ones. */
const SYNC_CONVERSATIONS_MAX = 1000;

export class SyncService {
  constructor(private readonly deps: ServiceDeps) {}

  async sync(auth: AuthContext, input: SyncInput): Promise<SyncOutput> {
    const { cursors } = input;
    const pageSize = Math.min(input.limit ?? this.deps.limits.historyPageMax, this.deps.limits.historyPageMax);
    const conversations = await this.deps.store.listConversationSummaries(auth.user.id, {
      limit: SYNC_CONVERSATIONS_MAX,
    });
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
    return { conversations, messages, truncated };
  }
}
