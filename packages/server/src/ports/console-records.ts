/**
 * The part of the store port that the administration console reads and writes beyond
 * admin-records.ts (issue 19): server invites for registration `invite`, groups and
 * channels across the server, every conversation's reports, and storage totals. Only
 * persistence: services/server-invites.ts hashes codes and decides; services/admin-console.ts
 * authorizes.
 */
import type { Conversation, Report, ServerInvite, StorageResponse } from '@parley/protocol';

export type NewServerInvite = Omit<ServerInvite, 'uses' | 'revokedAt'> & { codeHash: string };

export type UseServerInviteResult =
  { ok: true; invite: ServerInvite } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'used_up' };

export interface ConsoleRecords {
  createServerInvite(invite: NewServerInvite): Promise<ServerInvite>;
  /** Newest first. */
  listServerInvites(limit: number): Promise<ServerInvite[]>;
  /** Undefined for an unknown id; revoking twice keeps the first time (`changed` false). */
  revokeServerInvite(id: string, at: number): Promise<{ invite: ServerInvite; changed: boolean } | undefined>;
  /** Counts one use of the invite with this code hash, atomically (never past `maxUses`). */
  useServerInvite(codeHash: string, now: number): Promise<UseServerInviteResult>;
  /** Gives one use back (the sign-up it was counted for failed). */
  releaseServerInvite(id: string): Promise<void>;

  /** Live groups and channels (never direct ones), newest id first, ids below `beforeId`. */
  adminSearchConversations(options: {
    query?: string;
    kind?: 'group' | 'channel';
    beforeId?: string;
    limit: number;
  }): Promise<Conversation[]>;
  /** Reports of every live conversation, newest first. */
  listAllReports(options: { open: boolean; limit: number }): Promise<Report[]>;
  /** Resolves once (a repeat keeps the first); `by` null: the CLI. Undefined for an unknown id. */
  resolveReportAs(id: string, by: string | null, at: number): Promise<Report | undefined>;
  storageTotals(topUsers: number): Promise<StorageResponse>;
}
