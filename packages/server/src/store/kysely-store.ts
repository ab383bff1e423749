/**
 * KyselyStore: the one Store implementation, over Kysely, for both dialects. It
 * is a thin shell that binds the query functions in queries/ to a handle (the
 * root instance, or a transaction for the Store passed to `transaction`'s fn).
 * It must stay dialect-agnostic: anything that differs goes through StoreDialect.
 */
import type { Conversation, ConversationSummary, Member, Message, Role } from '@parley/protocol';
import type { Kysely } from 'kysely';
import type {
  AppendResult,
  HistoryRange,
  NewConversation,
  NewMember,
  NewMessage,
  NewUser,
  ProfilePatch,
  ScramCredential,
  SessionRecord,
  Store,
  UserRecord,
} from '../ports/store';
import type { FileCompletion, FileRecord, NewFile } from '../ports/file-records';
import type { Database } from './db-schema';
import type { StoreDialect } from './dialect';
import { GroupCommit } from './group-commit';
import { migrateToLatest } from './migrations';
import * as accounts from './queries/accounts';
import * as contacts from './queries/contacts';
import * as files from './queries/files';
import type { QueryContext } from './queries/context';
import * as conversations from './queries/conversations';
import * as messages from './queries/messages';
import { listConversationSummaries } from './queries/summaries';

export class KyselyStore implements Store {
  private readonly ctx: QueryContext;
  private closed = false;
  private readonly groupCommit: GroupCommit;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
    groupCommitMax = 256,
  ) {
    this.ctx = { db, dialect };
    this.groupCommit = new GroupCommit(db, groupCommitMax);
  }

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    // Nested calls join the outer transaction: one commit, one rollback.
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new KyselyStore(trx, this.dialect)));
  }

  async migrate(): Promise<void> {
    this.assertRoot('migrate');
    await migrateToLatest(this.db, this.dialect);
  }

  /** Idempotent: the gateways' shutdown and a test's cleanup may both call it. */
  async close(): Promise<void> {
    this.assertRoot('close');
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }

  /** Top-level writes share commits (group-commit.ts); inside a transaction they run in it. */
  private batched<T>(key: string, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.db.isTransaction ? work(this.db) : this.groupCommit.run(key, work);
  }

  private assertRoot(operation: string): void {
    if (this.db.isTransaction) throw new Error(`store.${operation}() cannot run inside a transaction`);
  }

  // accounts
  createUser(user: NewUser): Promise<UserRecord> {
    return accounts.createUser(this.ctx, user);
  }
  getUser(id: string): Promise<UserRecord | undefined> {
    return accounts.getUser(this.db, id);
  }
  getUserByUsername(username: string): Promise<UserRecord | undefined> {
    return accounts.getUserByUsername(this.db, username);
  }
  getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    return accounts.getUsers(this.db, ids);
  }
  listUsers(options: { limit: number; afterUsername?: string }): Promise<UserRecord[]> {
    return accounts.listUsers(this.db, options);
  }
  updateProfile(id: string, patch: ProfilePatch): Promise<UserRecord | undefined> {
    return accounts.updateProfile(this.db, id, patch);
  }
  setPasswordHash(id: string, passwordHash: string, scram: readonly ScramCredential[] = []): Promise<void> {
    return this.transaction((tx) => accounts.setPasswordHash((tx as KyselyStore).db, id, passwordHash, scram));
  }
  setScramCredentials(userId: string, scram: readonly ScramCredential[]): Promise<void> {
    return this.transaction((tx) => accounts.setScramCredentials((tx as KyselyStore).db, userId, scram));
  }
  getScramCredential(userId: string, mechanism: ScramCredential['mechanism']): Promise<ScramCredential | undefined> {
    return accounts.getScramCredential(this.db, userId, mechanism);
  }
  setLastSeen(id: string, at: number): Promise<void> {
    return accounts.setLastSeen(this.db, id, at);
  }

  // sessions
  createSession(session: SessionRecord): Promise<SessionRecord> {
    return accounts.createSession(this.db, session);
  }
  getSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    return accounts.getSessionByTokenHash(this.db, tokenHash);
  }
  getSession(id: string): Promise<SessionRecord | undefined> {
    return accounts.getSession(this.db, id);
  }
  listSessions(userId: string): Promise<SessionRecord[]> {
    return accounts.listSessions(this.db, userId);
  }
  touchSession(id: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    return accounts.touchSession(this.db, id, lastSeenAt, expiresAt);
  }
  deleteSession(id: string): Promise<boolean> {
    return accounts.deleteSession(this.db, id);
  }
  deleteSessionsOfUser(userId: string, exceptId?: string): Promise<string[]> {
    return accounts.deleteSessionsOfUser(this.db, userId, exceptId);
  }

  // contacts and blocks
  addContact(ownerId: string, contactId: string, at: number): Promise<void> {
    return contacts.addContact(this.db, ownerId, contactId, at);
  }
  removeContact(ownerId: string, contactId: string): Promise<boolean> {
    return contacts.removeContact(this.db, ownerId, contactId);
  }
  listContacts(ownerId: string): Promise<UserRecord[]> {
    return contacts.listContacts(this.db, ownerId);
  }
  listContactOwners(userId: string): Promise<string[]> {
    return contacts.listContactOwners(this.db, userId);
  }
  addBlock(ownerId: string, blockedId: string, at: number): Promise<void> {
    return contacts.addBlock(this.db, ownerId, blockedId, at);
  }
  removeBlock(ownerId: string, blockedId: string): Promise<boolean> {
    return contacts.removeBlock(this.db, ownerId, blockedId);
  }
  listBlocks(ownerId: string): Promise<UserRecord[]> {
    return contacts.listBlocks(this.db, ownerId);
  }
  isBlocked(ownerId: string, otherId: string): Promise<boolean> {
    return contacts.isBlocked(this.db, ownerId, otherId);
  }

  // conversations and members
  createConversation(
    conversation: NewConversation,
    members: readonly NewMember[],
  ): Promise<{ conversation: Conversation; created: boolean }> {
    return conversations.createConversation(this.ctx, conversation, members);
  }
  getConversation(id: string): Promise<Conversation | undefined> {
    return conversations.getConversation(this.db, id);
  }
  getDirectConversation(directKey: string): Promise<Conversation | undefined> {
    return conversations.getDirectConversation(this.db, directKey);
  }
  setConversationTitle(id: string, title: string): Promise<void> {
    return conversations.setConversationTitle(this.db, id, title);
  }
  getMember(conversationId: string, userId: string): Promise<Member | undefined> {
    return conversations.getMember(this.db, conversationId, userId);
  }
  addMembers(conversationId: string, members: readonly NewMember[], at: number): Promise<string[]> {
    return conversations.addMembers(this.db, conversationId, members, at);
  }
  removeMember(conversationId: string, userId: string): Promise<boolean> {
    return conversations.removeMember(this.db, conversationId, userId);
  }
  setMemberRole(conversationId: string, userId: string, role: Role): Promise<void> {
    return conversations.setMemberRole(this.db, conversationId, userId, role);
  }
  countMembers(conversationId: string): Promise<number> {
    return conversations.countMembers(this.db, conversationId);
  }
  listConversationIds(userId: string): Promise<string[]> {
    return conversations.listConversationIds(this.db, userId);
  }
  listConversationPartners(userId: string): Promise<string[]> {
    return conversations.listConversationPartners(this.db, userId);
  }
  listConversationSummaries(userId: string, options: { limit: number }): Promise<ConversationSummary[]> {
    return listConversationSummaries(this.db, userId, options);
  }

  // messages
  appendMessage(message: NewMessage): Promise<AppendResult> {
    return this.batched(message.conversationId, (db) => messages.appendMessage({ db, dialect: this.dialect }, message));
  }
  getMessageByClientId(senderId: string, clientId: string): Promise<Message | undefined> {
    return messages.getMessageByClientId(this.db, senderId, clientId);
  }
  getMessage(id: string): Promise<Message | undefined> {
    return messages.getMessage(this.db, id);
  }
  listMessages(conversationId: string, range: HistoryRange): Promise<Message[]> {
    return messages.listMessages(this.db, conversationId, range);
  }

  // receipts
  advanceReadCursor(conversationId: string, userId: string, seq: number): Promise<number> {
    return this.batched(`${conversationId}:${userId}`, (db) =>
      messages.advanceCursor(db, 'read_seq', conversationId, userId, seq),
    );
  }
  advanceDeliveredCursor(conversationId: string, userId: string, seq: number): Promise<number> {
    return this.batched(`${conversationId}:${userId}`, (db) =>
      messages.advanceCursor(db, 'delivered_seq', conversationId, userId, seq),
    );
  }

  // files (ports/file-records.ts)
  createFile(file: NewFile): Promise<FileRecord> {
    return files.createFile(this.db, file);
  }
  getFile(id: string): Promise<FileRecord | undefined> {
    return files.getFile(this.db, id);
  }
  completeFile(id: string, completion: FileCompletion): Promise<FileRecord | undefined> {
    return files.completeFile(this.db, id, completion);
  }
  deleteFile(id: string): Promise<boolean> {
    return this.transaction((tx) => files.deleteFile((tx as KyselyStore).db, id));
  }
  sumFileBytes(ownerId: string): Promise<number> {
    return files.sumFileBytes(this.db, ownerId);
  }
  canAccessFile(fileId: string, userId: string): Promise<boolean> {
    return files.canAccessFile(this.db, fileId, userId);
  }
  addFileRef(fileId: string, messageId: string, conversationId: string): Promise<void> {
    return files.addFileRef(this.db, fileId, messageId, conversationId);
  }
  releaseFileRefs(messageId: string): Promise<string[]> {
    return this.transaction((tx) => files.releaseFileRefs((tx as KyselyStore).db, messageId));
  }
  listUnreferencedFiles(options: { createdBefore: number; limit: number }): Promise<FileRecord[]> {
    return files.listUnreferencedFiles(this.db, options);
  }
}
