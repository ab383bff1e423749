/**
 * Persistence for pre-send hooks (services/presend-hooks.ts, ADR 0030): the hooks an
 * administrator configured, and the digest of what a sender first sent when a hook
 * changed it (so that a retry of the same client id is recognised as the same
 * message). Knows nothing of HTTP, signing or policies.
 */

export interface PresendHookRecord {
  id: string;
  url: string;
  /** Kept to sign each request (HMAC needs it); never returned after creation. */
  secret: string;
  /** null: every conversation. */
  conversationIds: string[] | null;
  contentTypes: string[];
  deadlineMs: number;
  policy: 'open' | 'closed';
  enabled: boolean;
  createdBy: string | null;
  createdAt: number;
}

export type PresendHookPatch = Partial<
  Pick<PresendHookRecord, 'conversationIds' | 'contentTypes' | 'deadlineMs' | 'policy' | 'enabled'>
>;

export interface PresendHookRecords {
  createPresendHook(record: PresendHookRecord): Promise<void>;
  /** Every hook, oldest first (the order they run in). */
  listPresendHooks(): Promise<PresendHookRecord[]>;
  getPresendHook(id: string): Promise<PresendHookRecord | undefined>;
  /** The hook after the change; undefined when there is no such hook. */
  updatePresendHook(id: string, patch: PresendHookPatch): Promise<PresendHookRecord | undefined>;
  /** The removed hook; undefined when there was none. */
  deletePresendHook(id: string): Promise<PresendHookRecord | undefined>;
  /** Records that a hook changed the message sent under this client id (idempotent). */
  recordPresendChange(change: { senderId: string; clientId: string; digest: string; at: number }): Promise<void>;
  /** The digest of what was first sent under this client id, when a hook changed it. */
  getPresendChange(senderId: string, clientId: string): Promise<string | undefined>;
}
