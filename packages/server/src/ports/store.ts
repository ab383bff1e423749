/**
 * The store port: everything the services persist. Implementations (store/) must
 * pass store/store.contract.ts on every dialect. Rows are domain types: camelCase,
 * times as epoch milliseconds (numbers), ids as strings. Errors are AppErrors with
 * registry codes (e.g. `username_taken`), never driver errors.
 */
import type {
  Conversation,
  ConversationKind,
  ConversationSummary,
  Member,
  Message,
  MessageContent,
  Role,
  User,
} from '@parley/protocol';
import type { FileRecords } from './file-records';

export interface UserRecord extends User {
  passwordHash: string;
  lastSeenAt: number | null;
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

export interface ProfilePatch {
  displayName?: string;
  avatarUrl?: string | null;
  statusText?: string | null;
}

/** SCRAM (RFC 5802/7677) server-side material for one mechanism; binary values base64. */
export interface ScramCredential {
  mechanism: 'SCRAM-SHA-1' | 'SCRAM-SHA-256';
  iterations: number;
  salt: string;
  storedKey: string;
  serverKey: string;
}

export interface SessionRecord {
  id: string;
  userId: string;
  tokenHash: string;
  deviceName: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface NewConversation {
  id: string;
  kind: ConversationKind;
  title: string | null;
  /** For direct conversations: the two user ids sorted and joined by ':' (unique). */
  directKey: string | null;
  createdAt: number;
}

export interface NewMember {
  userId: string;
  role: Role;
}

export interface NewMessage {
  id: string;
  conversationId: string;
  senderId: string;
  clientId: string;
  content: MessageContent;
  createdAt: number;
}

export interface AppendResult {
  message: Message;
  /** True when (senderId, clientId) was already stored; `message` is the stored one. */
  duplicate: boolean;
}

export interface HistoryRange {
  /** Messages with seq < before (the newest `limit` of them). */
  before?: number;
  /** Messages with seq > after (the oldest `limit` of them). */
  after?: number;
  limit: number;
}

export interface Store extends FileRecords {
  /** Runs fn in one transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  close(): Promise<void>;

  // accounts
  /** @throws AppError('username_taken') */
  createUser(user: NewUser): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | undefined>;
  getUserByUsername(username: string): Promise<UserRecord | undefined>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  /** Ordered by username, after the given username (exclusive). */
  listUsers(options: { limit: number; afterUsername?: string }): Promise<UserRecord[]>;
  updateProfile(id: string, patch: ProfilePatch): Promise<UserRecord | undefined>;
  /**
   * Sets the password hash and replaces the user's SCRAM credentials with `scram`
   * (none when omitted), so that no credential derived from an old password survives.
   */
  setPasswordHash(id: string, passwordHash: string, scram?: readonly ScramCredential[]): Promise<void>;
  /** Replaces every SCRAM credential of the user (used to add them to an older account). */
  setScramCredentials(userId: string, scram: readonly ScramCredential[]): Promise<void>;
  getScramCredential(userId: string, mechanism: ScramCredential['mechanism']): Promise<ScramCredential | undefined>;
  setLastSeen(id: string, at: number): Promise<void>;

  // sessions (one per device)
  createSession(session: SessionRecord): Promise<SessionRecord>;
  getSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  /** Newest first. */
  listSessions(userId: string): Promise<SessionRecord[]>;
  touchSession(id: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  deleteSession(id: string): Promise<boolean>;
  /** Deletes every session of the user except `exceptId`; returns the deleted ids. */
  deleteSessionsOfUser(userId: string, exceptId?: string): Promise<string[]>;

  // contacts and blocks
  /** Idempotent. */
  addContact(ownerId: string, contactId: string, at: number): Promise<void>;
  removeContact(ownerId: string, contactId: string): Promise<boolean>;
  /** Ordered by username. */
  listContacts(ownerId: string): Promise<UserRecord[]>;
  /** Users who have `userId` in their contact list. */
  listContactOwners(userId: string): Promise<string[]>;
  addBlock(ownerId: string, blockedId: string, at: number): Promise<void>;
  removeBlock(ownerId: string, blockedId: string): Promise<boolean>;
  listBlocks(ownerId: string): Promise<UserRecord[]>;
  /** True when `ownerId` has blocked `otherId`. */
  isBlocked(ownerId: string, otherId: string): Promise<boolean>;

  // conversations and members
  /**
   * Creates the conversation and its members. For a direct conversation whose
   * directKey already exists, creates nothing and returns the existing one with
   * `created: false` (safe under concurrent calls).
   */
  createConversation(
    conversation: NewConversation,
    members: readonly NewMember[],
  ): Promise<{ conversation: Conversation; created: boolean }>;
  getConversation(id: string): Promise<Conversation | undefined>;
  getDirectConversation(directKey: string): Promise<Conversation | undefined>;
  setConversationTitle(id: string, title: string): Promise<void>;
  getMember(conversationId: string, userId: string): Promise<Member | undefined>;
  /** Adds members that are not yet members (role as given); returns the user ids added. */
  addMembers(conversationId: string, members: readonly NewMember[], at: number): Promise<string[]>;
  removeMember(conversationId: string, userId: string): Promise<boolean>;
  setMemberRole(conversationId: string, userId: string, role: Role): Promise<void>;
  countMembers(conversationId: string): Promise<number>;
  /** Ids of every conversation the user is a member of. */
  listConversationIds(userId: string): Promise<string[]>;
  /** Users who share at least one conversation with `userId` (excluding them). */
  listConversationPartners(userId: string): Promise<string[]>;
  /**
   * The user's conversation list, most recent activity first, each with its last
   * message, the member's cursors and the count of messages from others after
   * the read cursor.
   */
  listConversationSummaries(userId: string, options: { limit: number }): Promise<ConversationSummary[]>;

  // messages
  /**
   * Appends a message atomically: assigns the conversation's next seq, stores the
   * message and bumps the conversation's lastSeq and lastActivityAt. Idempotent per
   * (senderId, clientId): a repeat returns the stored message with `duplicate: true`
   * and writes nothing.
   */
  appendMessage(message: NewMessage): Promise<AppendResult>;
  getMessageByClientId(senderId: string, clientId: string): Promise<Message | undefined>;
  /** A message by its server id (MAM paging names messages by id). */
  getMessage(id: string): Promise<Message | undefined>;
  /** Ascending seq. */
  listMessages(conversationId: string, range: HistoryRange): Promise<Message[]>;

  // receipts: cursors only move forward; return the cursor after the update
  advanceReadCursor(conversationId: string, userId: string, seq: number): Promise<number>;
  advanceDeliveredCursor(conversationId: string, userId: string, seq: number): Promise<number>;
}
