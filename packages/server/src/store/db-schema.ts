/**
 * The database as Kysely sees it: one interface per table, snake_case columns,
 * times as epoch milliseconds. Both dialects share these types; the dialect
 * folders make the drivers return plain numbers (PostgreSQL int8 included) so
 * that nothing here needs a per-dialect type. Mapping to the port's camelCase
 * records happens in rows.ts, never here.
 *
 * Tenant scoping (ROADMAP: app integration mode) will add a tenant_id column to
 * every table and to the front of each unique key; keep every query going
 * through the functions in queries/ so that there is one place to add it.
 */
import type { ConversationKind, Role } from '@parley/protocol';

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  avatar_url: string | null;
  status_text: string | null;
  password_hash: string;
  created_at: number;
  last_seen_at: number | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  device_name: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface ContactsTable {
  owner_id: string;
  contact_id: string;
  created_at: number;
}

export interface BlocksTable {
  owner_id: string;
  blocked_id: string;
  created_at: number;
}

export interface ConversationsTable {
  id: string;
  kind: ConversationKind;
  title: string | null;
  direct_key: string | null;
  created_at: number;
  last_seq: number;
  last_activity_at: number;
}

export interface MembersTable {
  conversation_id: string;
  user_id: string;
  role: Role;
  joined_at: number;
  read_seq: number;
  delivered_seq: number;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_id: string;
  /** MessageContent serialized as JSON text (opaque to SQL, so both dialects agree). */
  content: string;
  created_at: number;
}

/** SCRAM material per user and mechanism (migration 0002); binary values as base64. */
export interface ScramCredentialsTable {
  user_id: string;
  mechanism: string;
  iterations: number;
  salt: string;
  stored_key: string;
  server_key: string;
}

/** Uploads and their media details (migration 0004); see ports/file-records.ts. */
export interface FilesTable {
  id: string;
  owner_id: string;
  status: 'uploading' | 'ready';
  name: string;
  size: number;
  mime: string;
  kind: string;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  placeholder: string | null;
  waveform: string | null;
  blob_key: string;
  thumb_key: string | null;
  created_at: number;
  completed_at: number | null;
}

/** Which messages carry which file (migration 0004). */
export interface FileRefsTable {
  file_id: string;
  message_id: string;
  conversation_id: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  contacts: ContactsTable;
  blocks: BlocksTable;
  conversations: ConversationsTable;
  members: MembersTable;
  messages: MessagesTable;
  scram_credentials: ScramCredentialsTable;
  files: FilesTable;
  file_refs: FileRefsTable;
}
