/**
 * The store port: everything the services persist. Implementations (store/) must
 * pass store/store.contract.ts on every dialect. Rows are domain types: camelCase,
 * times as epoch milliseconds (numbers), ids as strings. Errors are AppErrors with
 * registry codes (e.g. `username_taken`), never driver errors.
 */
import type {
  Ban,
  ChannelListing,
  Conversation,
  ConversationKind,
  ConversationSummary,
  ForwardRef,
  Invite,
  Member,
  Component,
  Mentions,
  Message,
  MessageContent,
  NotifyLevel,
  PostPolicy,
  PresenceVisibility,
  ReplyRef,
  Report,
  Role,
  ThreadListing,
  User,
  Visibility,
} from '@parley/protocol';
import type { FavouritePlace } from '../domain/favourites';
import type { BusEvent, EventBody } from './bus-events';
import type { CallRecords } from './call-records';
import type { E2eeRecords } from './e2ee-records';
import type { FileRecords } from './file-records';
import type { AdminRecords } from './admin-records';
import type { SsoRecords } from './sso-records';
import type { ConsoleRecords } from './console-records';
import type { PresendHookRecords } from './presend-hook-records';
import type { JobStore } from './jobs';
import type { LinkPreviewRecords } from './link-preview-records';
import type { InteractionRecords } from './interaction-records';
import type { WebhookRecords } from './webhook-records';
import type { PushRecords } from './push-records';
import type { RetentionRecords } from './retention-records';
import type { AccountDataRecords } from './account-data-records';

export interface UserRecord extends User {
  passwordHash: string;
  lastSeenAt: number | null;
  /** Who sees the user's presence (services/audience.ts). */
  presenceVisibility: PresenceVisibility;
  /** When the owner deleted the account; null: a live account (the row stays for its messages). */
  deletedAt: number | null;
  /** When the account became a server admin (null: not one). */
  adminSince: number | null;
  /** When an admin deactivated the account (null: active): it cannot log in by any way. */
  deactivatedAt: number | null;
  /** A bot's owner (0017); null for people. `bot` (from User) is true for bots. */
  ownerId: string | null;
}

/**
 * A directory search: live accounts whose username, display name or a word of it starts
 * with `prefix` (lower-cased by the caller), ordered by username after `afterUsername`,
 * only among `among` when given (an empty list finds nobody), never `exclude`.
 */
export interface SearchUsersOptions {
  prefix: string;
  limit: number;
  afterUsername?: string;
  among?: readonly string[];
  exclude: readonly string[];
}

/** What an owner keeps about one contact (0014): a nickname and the groups it is filed under. */
export interface ContactRecord {
  contactId: string;
  nickname: string | null;
  groups: string[];
  createdAt: number;
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
  /** A bot account (0017): no password, owned by `ownerId`. */
  bot?: boolean;
  ownerId?: string;
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
  /** Defaults: private, everyone posts, no topic or description, no slow mode. */
  visibility?: Visibility;
  postPolicy?: PostPolicy;
  topic?: string | null;
  description?: string | null;
  /** 'mls': end-to-end encrypted (ports/e2ee-records.ts holds its group). */
  encryption?: 'mls';
}

/** Settings an admin changes; absent fields stay as they are. */
export interface ConversationPatch {
  title?: string;
  topic?: string | null;
  description?: string | null;
  visibility?: Visibility;
  postPolicy?: PostPolicy;
  slowModeSeconds?: number;
  avatarUrl?: string | null;
}

/** One batch of a deleted conversation's erasure (purgeConversationStep). */
export interface PurgeStep {
  /** True once the conversation row itself is gone (or there was nothing to erase). */
  done: boolean;
  /** Rows this batch erased (messages, then members, then the conversation). */
  removed: number;
  /** Files the erased messages carried that no other message carries: delete their records and blobs. */
  orphanFileIds: string[];
}

/** A member as the services see it: the public Member plus the member's own settings. */
export interface MemberRecord extends Member {
  notifyLevel: NotifyLevel;
  markedUnreadSeq: number | null;
  lastPostAt: number | null;
  /** When the member first took part by their own action (posted, created, joined); null: only added. */
  tookPartAt: number | null;
}

export interface NewMember {
  userId: string;
  role: Role;
  /** The member comes in by their own action (the creator, a joiner): took_part_at is set. */
  tookPart?: boolean;
}

export interface NewMessage {
  id: string;
  conversationId: string;
  senderId: string;
  clientId: string;
  content: MessageContent;
  createdAt: number;
  /** Thread replies: the root message id (a `message` of the same conversation, not itself a reply). */
  threadId?: string;
  replyTo?: ReplyRef;
  forwardedFrom?: ForwardRef;
  mentions?: Mentions;
  /** The sender wants no link previews on this message. */
  linkPreviewsOff?: boolean;
  /**
   * The sender has not taken part yet (their member row's tookPartAt is null): record that they
   * did, in the append's transaction. Left out on later posts, which then cost no extra write.
   */
  firstPost?: boolean;
}

/** One search request, already authorized and parsed into terms by the service. */
export interface SearchQuery {
  /** Folded tokens (domain/search-text.ts parseSearchTerms); every one must begin a token of the text. */
  terms: string[];
  /** Only conversations this user is a member of (never anything else). */
  userId: string;
  conversationId?: string;
  senderId?: string;
  from?: number;
  to?: number;
  sort: 'recent' | 'relevance';
  /** Results to skip (the cursor of the previous page). */
  offset: number;
  limit: number;
}

export interface AppendResult {
  message: Message;
  /** True when (senderId, clientId) was already stored; `message` is the stored one. */
  duplicate: boolean;
}

/** A page of a keyset listing: pass `nextCursor` back to get the next one. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface HistoryRange {
  /** Messages with seq < before (the newest `limit` of them). */
  before?: number;
  /** Messages with seq > after (the oldest `limit` of them). */
  after?: number;
  limit: number;
  /** Only the replies in this thread; without it, every entry of the conversation. */
  threadId?: string;
}

/** A place in the time-ordered archive: a message's (createdAt, seq, id). */
export interface ArchiveKey {
  createdAt: number;
  seq: number;
  id: string;
}

/** A slice of the time-ordered archive (XMPP MAM); every bound is optional. */
export interface ArchiveRange {
  /** One conversation the reader is a member of; without it, every direct conversation they belong to. */
  conversationId?: string;
  /** created_at at or after `start`, at or before `end` (inclusive). */
  start?: number;
  end?: number;
  /** Entries strictly after / before these places. */
  after?: ArchiveKey;
  before?: ArchiveKey;
  /** Take the newest `limit` entries of the range (default: the oldest); pages are ascending either way. */
  fromEnd?: boolean;
  limit: number;
}

/** An event recorded in the outbox, published after its commit (always under `id`). */
export interface OutboxRecord {
  id: string;
  topic: string;
  event: BusEvent;
  createdAt: number;
}

/** What a relay taking over overdue events asks for (see Outbox.claimOverdueEvents). */
export interface ClaimOptions {
  /** Events created before this time are overdue: their node should have published them long ago. */
  overdueBefore: number;
  now: number;
  /** The claim lasts until then; a relay that dies holding it lets it lapse for another. */
  claimUntil: number;
  limit: number;
}

/**
 * The transactional outbox (one event path for every write): `emit` records an event
 * in the enclosing transaction; after the commit the store hands the committed events
 * to its listener (the relay), which publishes them and deletes them. Events of a
 * node that died before publishing, and those written by the CLI's admin commands
 * (which have no relay), are claimed by any relay once overdue.
 */
export interface Outbox {
  /**
   * Records an event to publish once the enclosing `transaction` or `write` commits.
   * Outside one it throws: an event must commit with its write or not at all.
   */
  emit(topic: string, body: EventBody): Promise<void>;
  /**
   * Adds a listener that gets the events of each commit, in commit order (the relay,
   * and the dispatcher, which only looks for events it must take). Returns what removes it.
   */
  onEventsCommitted(listener: (events: OutboxRecord[]) => void): () => void;
  /** Overdue events (and admin ones) not yet published that no relay holds, oldest first, now held by the caller. */
  claimOverdueEvents(options: ClaimOptions): Promise<OutboxRecord[]>;
  /**
   * The bus took these events: deleted, except rows the durable consumers have not
   * taken yet (kept, marked published; the dispatcher deletes them).
   */
  deleteEvents(ids: readonly string[]): Promise<void>;
  countEvents(): Promise<number>;
  /** The store's identity, kept by clients with their cursors. */
  getEpoch(): Promise<string>;
  /** A new identity (after restoring a backup): every client resyncs instead of trusting its cursors. */
  rotateEpoch(): Promise<string>;
}

export interface Store
  extends
    FileRecords,
    E2eeRecords,
    CallRecords,
    Outbox,
    AdminRecords,
    JobStore,
    WebhookRecords,
    PushRecords,
    LinkPreviewRecords,
    InteractionRecords,
    RetentionRecords,
    AccountDataRecords,
    SsoRecords,
    ConsoleRecords,
    PresendHookRecords {
  /** Runs fn in one transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * One atomic write that may share its commit (and its fsync) with concurrent ones
   * (group commit): fn runs in its own savepoint of a shared transaction, so its
   * failure undoes only its own writes and events. Resolves after the commit.
   * Writes with the same `key` keep their arrival order inside a batch. Inside a
   * transaction it simply runs in it.
   */
  write<T>(key: string, fn: (tx: Store) => Promise<T>): Promise<T>;
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
  /** The user directory (services/user-directory.ts): see SearchUsersOptions. */
  searchUsers(options: SearchUsersOptions): Promise<UserRecord[]>;
  /**
   * Deletes an account in place: profile wiped (`displayName` shown instead), password
   * unusable, presence hidden, credentials, contacts both ways, subscription requests and
   * sessions removed, `deletedAt` set. Returns the removed sessions' ids.
   */
  deleteAccount(userId: string, at: number, displayName: string): Promise<string[]>;
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
  /** The owner's contacts with their details, in the order of listContacts (by username). */
  listContactDetails(ownerId: string): Promise<ContactRecord[]>;
  getContactDetails(ownerId: string, contactId: string): Promise<ContactRecord | undefined>;
  /** Replaces a contact's nickname and groups; false when `contactId` is not the owner's contact. */
  setContactDetails(
    ownerId: string,
    contactId: string,
    details: { nickname: string | null; groups: readonly string[] },
  ): Promise<boolean>;
  addBlock(ownerId: string, blockedId: string, at: number): Promise<void>;
  removeBlock(ownerId: string, blockedId: string): Promise<boolean>;
  listBlocks(ownerId: string): Promise<UserRecord[]>;
  /** True when `ownerId` has blocked `otherId`. */
  isBlocked(ownerId: string, otherId: string): Promise<boolean>;
  /** Both sides of a user's blocks: whom they blocked, and who blocked them (ids, sorted). */
  listBlockRelations(userId: string): Promise<{ blocked: string[]; blockedBy: string[] }>;
  setPresenceVisibility(userId: string, visibility: PresenceVisibility): Promise<void>;
  /** A presence subscription request (XMPP) waiting for the target; idempotent, true when new. */
  addSubscriptionRequest(requesterId: string, targetId: string, at: number): Promise<boolean>;
  removeSubscriptionRequest(requesterId: string, targetId: string): Promise<boolean>;
  /** Users waiting for `targetId` to answer, oldest request first. */
  listSubscriptionRequests(targetId: string): Promise<UserRecord[]>;
  /** Ids of the users `requesterId` waits for. */
  listOutgoingSubscriptionRequests(requesterId: string): Promise<string[]>;

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
  /**
   * Channels never load their members here (`members` is empty, `memberCount` is exact);
   * direct and group conversations carry every member, unless `members: false` leaves a
   * group's empty too (authorization reads the actor's own row, not the list).
   */
  getConversation(id: string, options?: { members?: boolean }): Promise<Conversation | undefined>;
  getDirectConversation(directKey: string): Promise<Conversation | undefined>;
  setConversationTitle(id: string, title: string): Promise<void>;
  getMember(conversationId: string, userId: string): Promise<Member | undefined>;
  /**
   * Adds members that are not yet members (role as given); returns the user ids added.
   * Keeps member_count exact; large lists (100,000) are written in chunks.
   */
  addMembers(conversationId: string, members: readonly NewMember[], at: number): Promise<string[]>;
  removeMember(conversationId: string, userId: string): Promise<boolean>;
  setMemberRole(conversationId: string, userId: string, role: Role): Promise<void>;
  countMembers(conversationId: string): Promise<number>;
  /** Ids of every conversation the user is a member of. */
  listConversationIds(userId: string): Promise<string[]>;
  /**
   * Where the user's membership starts in each of these conversations: the
   * conversation's last seq when the member row was written, so the member's first
   * entry (creation or join) follows it. Conversations without a membership are absent.
   */
  listMembershipStarts(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>>;
  /** Users who share at least one direct or group conversation with `userId` (excluding them; channels do not count). */
  listConversationPartners(userId: string): Promise<string[]>;
  /**
   * Users who share a direct or group conversation in which `userId` took part (tookPartAt set):
   * the people `userId`'s presence may reach. Sorted, without `userId`.
   */
  listPartnersWhereTookPart(userId: string): Promise<string[]>;
  /**
   * Users who took part in a direct or group conversation `userId` is a member of: the people
   * whose presence may reach `userId`. Sorted, without `userId`.
   */
  listPartnersWhoTookPart(userId: string): Promise<string[]>;
  /**
   * The user's conversation list, most recent activity first, each with its last
   * message, the member's cursors and the count of messages from others after
   * the read cursor.
   */
  listConversationSummaries(userId: string, options: { limit: number }): Promise<ConversationSummary[]>;

  updateConversation(id: string, patch: ConversationPatch): Promise<void>;
  /**
   * Archives (a time) or unarchives (null) a conversation that is not deleted; false when
   * it already was in that state (docs/adr/0020).
   */
  setConversationArchived(id: string, archivedAt: number | null): Promise<boolean>;
  /**
   * Marks the conversation deleted: from this commit on every read treats it as gone (no
   * conversation, no list entry, no search hit). False when it already was, or never existed.
   */
  markConversationDeleted(id: string, at: number): Promise<boolean>;
  /** Erases up to `limit` rows of a conversation marked deleted, in one atomic write (ADR 0020). */
  purgeConversationStep(id: string, limit: number): Promise<PurgeStep>;
  /** Conversations marked deleted whose rows are not erased yet, oldest deletion first. */
  listDeletedConversations(limit: number): Promise<string[]>;
  /** Rows per table that still name the conversation or these of its messages (checks after an erasure). */
  countConversationRows(id: string, messageIds: readonly string[]): Promise<Record<string, number>>;
  /** The member with their own settings, or undefined. */
  getMemberRecord(conversationId: string, userId: string): Promise<MemberRecord | undefined>;
  /** Members ordered by user id, after the cursor. */
  listMembers(conversationId: string, options: { cursor?: string; limit: number }): Promise<Page<Member>>;
  /** Stored room nicknames (XEP-0045) of these members; members without one (their username) are absent. */
  roomNicks(conversationId: string, userIds: readonly string[]): Promise<Map<string, string>>;
  /** The member whose stored room nickname folds to `fold` (domain/room-nick.ts). */
  roomNickHolder(conversationId: string, fold: string): Promise<string | undefined>;
  /**
   * Sets (null: clears) a member's room nickname; 'taken' when another member's
   * nickname has the same fold (a unique index, so it holds across nodes).
   */
  setRoomNick(
    conversationId: string,
    userId: string,
    nick: { nick: string; fold: string } | null,
  ): Promise<'set' | 'taken' | 'not_member'>;
  /** User ids of the members with one of these roles (moderation notices). */
  listMembersWithRoles(conversationId: string, roles: readonly Role[]): Promise<string[]>;
  /**
   * Who inherits ownership when the owner leaves: the highest-ranked, longest-standing
   * member other than `exceptUserId` (one indexed query; a channel never loads its members).
   */
  findHeir(conversationId: string, exceptUserId: string): Promise<Member | undefined>;
  setMemberMute(conversationId: string, userId: string, until: number | null): Promise<void>;
  setNotifyLevel(conversationId: string, userId: string, level: NotifyLevel): Promise<void>;
  /**
   * The user's favourite conversations in their order (deleted ones left out), locked until the
   * transaction ends so that two devices moving favourites at once apply one after the other.
   */
  lockFavourites(userId: string): Promise<string[]>;
  /** Sets the user's place in each of these conversations' favourites (null: not a favourite). */
  setFavouritePositions(userId: string, places: readonly FavouritePlace[]): Promise<void>;
  /** Marks unread from `seq` on (null clears); reading past it clears it too (advanceReadCursor). */
  setMarkedUnread(conversationId: string, userId: string, seq: number | null): Promise<void>;
  /** Public channels whose title or topic contains `query` (case-insensitive), most members first. */
  listPublicChannels(
    viewerId: string,
    options: { query?: string; cursor?: string; limit: number },
  ): Promise<Page<ChannelListing>>;

  // bans
  /** Replaces an existing ban of the same user. */
  addBan(conversationId: string, ban: Ban): Promise<void>;
  removeBan(conversationId: string, userId: string): Promise<boolean>;
  /** The ban, if any and not expired at `now`. */
  getActiveBan(conversationId: string, userId: string, now: number): Promise<Ban | undefined>;
  listBans(conversationId: string, now: number): Promise<Ban[]>;

  // reports
  /** Idempotent per (messageId, reporterId): a repeat returns the first report. */
  createReport(report: Omit<Report, 'message' | 'resolvedAt' | 'resolvedBy'>): Promise<Report>;
  getReport(id: string): Promise<Report | undefined>;
  /** Newest first; `open` only those not resolved. */
  listReports(conversationId: string, options: { open: boolean; limit: number }): Promise<Report[]>;
  resolveReport(id: string, by: string, at: number): Promise<Report | undefined>;

  // invites
  createInvite(invite: Invite): Promise<Invite>;
  getInvite(code: string): Promise<Invite | undefined>;
  listInvites(conversationId: string): Promise<Invite[]>;
  revokeInvite(code: string): Promise<boolean>;
  /**
   * Counts one use if the invite is valid at `now` (not revoked, not expired, uses left);
   * atomic under concurrency. Returns the reason it is not usable otherwise.
   */
  useInvite(
    code: string,
    now: number,
  ): Promise<{ ok: true; invite: Invite } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'used_up' }>;

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
  /**
   * Messages and update entries (never system entries) the user may read as a member,
   * ascending by (createdAt, seq, id), keyset-paged on that triple (see ArchiveRange).
   */
  listArchive(userId: string, range: ArchiveRange): Promise<Message[]>;
  /** Adds `myReactions` for this reader to each message (one query). */
  withMyReactions(userId: string, messages: Message[]): Promise<Message[]>;

  // changes to earlier messages; each runs inside the service's transaction, which also
  // appends the `update` entry whose seq becomes the target's `rev`
  /** New text (a file message: its caption) and mentions; sets edited_at and rev; re-indexes search. */
  /** `components`: a bot's new components (empty: none); undefined keeps them. */
  editMessage(
    id: string,
    text: string,
    mentions: Mentions | undefined,
    at: number,
    rev: number,
    components?: Component[],
  ): Promise<void>;
  /**
   * Tombstones a message: content becomes `{type:'deleted'}`; mentions, reactions, pin and
   * search entry go; replies quoting it lose their excerpt. Sets deleted_at and rev.
   */
  deleteMessage(id: string, at: number, rev: number): Promise<void>;
  setPinned(id: string, pin: { at: number; by: string } | null, rev: number): Promise<void>;
  /** Pinned messages of a conversation, most recently pinned first. */
  listPinned(conversationId: string, limit: number): Promise<Message[]>;
  /** True when added (false: this user already reacted with this emoji). */
  addReaction(messageId: string, userId: string, emoji: string, at: number, rev: number): Promise<boolean>;
  /** True when removed. */
  removeReaction(messageId: string, userId: string, emoji: string, rev: number): Promise<boolean>;
  /** Distinct emoji on a message (limit check). */
  countReactionKinds(messageId: string): Promise<number>;
  /** Who reacted with one emoji, earliest first. */
  listReactionUsers(
    messageId: string,
    emoji: string,
    options: { cursor?: string; limit: number },
  ): Promise<Page<string>>;

  // threads
  /** Moves the participant's thread read cursor forward; false when they are not a participant. */
  advanceThreadRead(rootId: string, userId: string, seq: number): Promise<boolean>;
  /** Threads the user takes part in, most recent reply first, with unread counts. */
  listThreads(userId: string, options: { conversationId?: string; limit: number }): Promise<ThreadListing[]>;

  // search
  /** Messages (not deleted, not system/update entries) matching every term, in conversations the user is a member of. */
  searchMessages(query: SearchQuery): Promise<Message[]>;

  // receipts: cursors only move forward; return the cursor after the update. A read that
  // reaches the marked-unread seq clears the mark.
  advanceReadCursor(conversationId: string, userId: string, seq: number): Promise<number>;
  advanceDeliveredCursor(conversationId: string, userId: string, seq: number): Promise<number>;
}
