/**
 * Persistence for what a user takes with them or leaves behind (issue 19): finding the
 * messages an erased account sent, its reactions and its files (services/account-erasure.ts,
 * ADR 0026). Only persistence: the services decide who may ask and what legal holds keep.
 */
import type { ExpiredMessage } from './retention-records';

export interface SentMessagesQuery {
  senderId: string;
  /** Conversations on legal hold: their messages stay. */
  heldConversationIds: readonly string[];
  limit: number;
}

export interface AccountDataRecords {
  /**
   * Messages and update entries (edits, reactions, pins) the user sent, oldest first, at
   * most `limit`: system entries (joins, leaves) stay, they carry no content of theirs.
   */
  findMessagesSentBy(query: SentMessagesQuery): Promise<ExpiredMessage[]>;
  /** Removes the user's reactions on any message; returns how many went. */
  deleteReactionsBy(userId: string): Promise<number>;
  /** Ids of files the user uploaded, by id, after `afterId`, at most `limit`. */
  listFileIdsOwnedBy(ownerId: string, afterId: string | undefined, limit: number): Promise<string[]>;
}
