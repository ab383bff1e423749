/**
 * KyselyStore: the one Store implementation, over Kysely, for both dialects. It
 * is a thin shell that binds the query functions in queries/ to a handle (the
 * root instance, or a transaction for the Store passed to `transaction`'s fn).
 * It must stay dialect-agnostic: anything that differs goes through StoreDialect.
 */
import type {
  Conversation,
  ConversationSummary,
  LinkPreview,
  Member,
  Message,
  PushDelivery,
  Role,
} from '@parley/protocol';
import type { QuietWindow } from '../domain/quiet-hours';
import type { Kysely } from 'kysely';
import type {
  AppendResult,
  ClaimOptions,
  OutboxRecord,
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
  ContactRecord,
} from '../ports/store';
import type { ConversationFilesRange, FileCompletion, FileRecord, NewFile } from '../ports/file-records';
import type { CachedLinkPreview } from '../ports/link-preview-records';
import type { Database } from './db-schema';
import type { StoreDialect } from './dialect';
import { GroupCommit } from './group-commit';
import * as outbox from './queries/outbox';
import * as jobs from './queries/jobs';
import * as linkPreviews from './queries/link-previews';
import * as webhooks from './queries/webhooks';
import * as push from './queries/push';
import type * as Push from '../ports/push-records';
import * as deadLetters from './queries/dead-letters';
import * as interactions from './queries/interactions';
import type { InteractionRecord } from '../ports/interaction-records';
import type { ClaimJobsOptions, DeadLetter, JobRecord, NewJob } from '../ports/jobs';
import type * as Hooks from '../ports/webhook-records';
import { newEventId } from '../domain/ids';
import type { FavouritePlace } from '../domain/favourites';
import { isDispatched, type EventBody } from '../ports/bus-events';
import { migrateToLatest } from './migrations';
import * as accounts from './queries/accounts';
import * as calls from './queries/calls';
import type { CallPatch, CallRecord } from '../ports/call-records';
import * as archive from './queries/archive';
import * as conversationPurge from './queries/conversation-purge';
import * as contacts from './queries/contacts';
import * as files from './queries/files';
import * as e2ee from './queries/e2ee';
import type * as E2ee from '../ports/e2ee-records';
import type { QueryContext } from './queries/context';
import * as conversations from './queries/conversations';
import * as favourites from './queries/favourites';
import * as changes from './queries/message-changes';
import * as decorate from './queries/decorate';
import * as messages from './queries/messages';
import * as reactions from './queries/reactions';
import * as threads from './queries/threads';
import { searchMessages } from './queries/search';
import * as moderation from './queries/moderation';
import type * as Port from '../ports/store';
import type * as Wire from '@parley/protocol';
import { listConversationSummaries } from './queries/summaries';
import * as admin from './queries/admin';
import * as audit from './queries/audit';
import * as retention from './queries/retention';
import * as purge from './queries/purge';
import * as accountData from './queries/account-data';
import type { SentMessagesQuery } from '../ports/account-data-records';
import type * as Retention from '../ports/retention-records';
import type * as AdminPort from '../ports/admin-records';
import * as sso from './queries/sso';
import * as presend from './queries/presend-hooks';
import type * as PresendPort from '../ports/presend-hook-records';
import type * as SsoPort from '../ports/sso-records';
import * as serverInvites from './queries/server-invites';
import * as adminConsole from './queries/admin-console';
import type * as ConsolePort from '../ports/console-records';

export interface KyselyStoreOptions {
  /** Most writes one group commit carries (1: no group commit). */
  groupCommitMax?: number;
  /** Who writes this store's outbox rows: the node id, or `admin` for the CLI's admin commands. */
  eventOrigin?: string;
  /** Time for event ids and outbox rows (tests inject one). */
  now?: () => number;
}

/** What the root store and every transaction handle opened from it share. */
interface Shared {
  readonly groupCommit: GroupCommit;
  readonly origin: string;
  readonly now: () => number;
  readonly listeners: ((events: OutboxRecord[]) => void)[];
}

export class KyselyStore implements Store {
  private readonly ctx: QueryContext;
  private closed = false;
  private readonly shared: Shared;
  /** Inside a transaction: the events emitted so far, handed to the listener after the commit. */
  private readonly capture: OutboxRecord[] | undefined;

  /** `transaction` (internal): a handle on an open transaction, sharing the root's group commit and listener. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
    options: KyselyStoreOptions = {},
    transaction?: { shared: Shared; capture: OutboxRecord[] },
  ) {
    this.ctx = { db, dialect };
    this.shared = transaction?.shared ?? {
      groupCommit: new GroupCommit(db, options.groupCommitMax),
      origin: options.eventOrigin ?? 'node',
      now: options.now ?? Date.now,
      listeners: [],
    };
    this.capture = transaction?.capture;
  }

  private inTransaction(trx: Kysely<Database>, capture: OutboxRecord[]): KyselyStore {
    return new KyselyStore(trx, this.dialect, {}, { shared: this.shared, capture });
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    // Nested calls join the outer transaction: one commit, one rollback.
    if (this.db.isTransaction) return fn(this);
    const capture: OutboxRecord[] = [];
    const result = await this.db.transaction().execute((trx) => fn(this.inTransaction(trx, capture)));
    this.committed(capture);
    return result;
  }

  async write<T>(key: string, fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    const { value, capture } = await this.shared.groupCommit.run(key, async (trx) => {
      const events: OutboxRecord[] = [];
      return { value: await fn(this.inTransaction(trx, events)), capture: events };
    });
    this.committed(capture);
    return value;
  }

  async emit(topic: string, body: EventBody): Promise<void> {
    if (!this.capture) throw new Error('store.emit() outside a transaction: an event must commit with its write');
    const createdAt = this.shared.now();
    const id = newEventId(createdAt);
    const record: OutboxRecord = { id, topic, event: { ...body, id }, createdAt };
    await outbox.insertEvent(this.db, record, this.shared.origin, isDispatched(body));
    this.capture.push(record);
  }

  onEventsCommitted(listener: (events: OutboxRecord[]) => void): () => void {
    this.shared.listeners.push(listener);
    return () => {
      const at = this.shared.listeners.indexOf(listener);
      if (at >= 0) this.shared.listeners.splice(at, 1);
    };
  }

  private committed(events: OutboxRecord[]): void {
    if (events.length === 0) return;
    for (const listener of this.shared.listeners) listener(events);
  }

  claimOverdueEvents(options: ClaimOptions): Promise<OutboxRecord[]> {
    return this.batched('outbox', (db) => outbox.claimOverdueEvents(db, options));
  }
  deleteEvents(ids: readonly string[]): Promise<void> {
    return this.batched('outbox', (db) => outbox.deleteEvents(db, ids));
  }
  countEvents(): Promise<number> {
    return outbox.countEvents(this.db);
  }
  getEpoch(): Promise<string> {
    return outbox.getEpoch(this.db);
  }
  rotateEpoch(): Promise<string> {
    return outbox.rotateEpoch(this.db);
  }

  // retention (ports/retention-records.ts)
  getConversationRetention(conversationId: string): Promise<number | null | undefined> {
    return retention.getConversationRetention(this.db, conversationId);
  }
  setConversationRetention(conversationId: string, days: number | null): Promise<void> {
    return retention.setConversationRetention(this.db, conversationId, days);
  }
  listConversationRetention(): Promise<{ conversationId: string; days: number }[]> {
    return retention.listConversationRetention(this.db);
  }
  listRetentionHolds(): Promise<Retention.RetentionHoldRecord[]> {
    return retention.listRetentionHolds(this.db);
  }
  addRetentionHold(hold: Retention.RetentionHoldRecord): Promise<boolean> {
    return retention.addRetentionHold(this.db, hold);
  }
  removeRetentionHold(id: string): Promise<Retention.RetentionHoldRecord | undefined> {
    return retention.removeRetentionHold(this.db, id);
  }
  findExpiredMessages(query: Retention.ExpiredQuery): Promise<Retention.ExpiredMessage[]> {
    return retention.findExpiredMessages(this.db, query);
  }
  purgeMessages(ids: readonly string[]): Promise<Retention.PurgeCounts> {
    if (!this.db.isTransaction) return this.transaction((tx) => tx.purgeMessages(ids));
    return purge.purgeMessages(this.ctx, ids);
  }
  countMessageReferences(ids: readonly string[]): Promise<Record<string, number>> {
    return purge.countReferences(this.ctx, ids);
  }
  pruneContentCopies(before: number, jobKinds: readonly string[]): Promise<number> {
    return retention.pruneContentCopies(this.db, before, jobKinds);
  }
  acquireLease(name: string, holder: string, until: number, now: number): Promise<boolean> {
    return retention.acquireLease(this.db, name, holder, until, now);
  }
  releaseLease(name: string, holder: string): Promise<void> {
    return retention.releaseLease(this.db, name, holder);
  }
  listMessagesBySender(
    senderId: string,
    after: { createdAt: number; id: string } | undefined,
    limit: number,
  ): Promise<Wire.Message[]> {
    return retention.listMessagesBySender(this.db, senderId, after, limit);
  }
  reclaimSpace(): Promise<Retention.ReclaimReport> {
    return this.dialect.reclaim(this.db);
  }

  // an account's own data (ports/account-data-records.ts)
  findMessagesSentBy(query: SentMessagesQuery): Promise<Retention.ExpiredMessage[]> {
    return accountData.findMessagesSentBy(this.db, query);
  }
  deleteReactionsBy(userId: string): Promise<number> {
    return accountData.deleteReactionsBy(this.db, userId);
  }
  listFileIdsOwnedBy(ownerId: string, afterId: string | undefined, limit: number): Promise<string[]> {
    return accountData.listFileIdsOwnedBy(this.db, ownerId, afterId, limit);
  }

  // jobs and dispatch (ports/jobs.ts)
  enqueueJob(job: NewJob): Promise<void> {
    return jobs.enqueueJob(this.db, job);
  }
  claimJobs(options: ClaimJobsOptions): Promise<JobRecord[]> {
    return this.batched('jobs', (db) => jobs.claimJobs(db, options));
  }
  completeJob(id: string, leaseToken: string): Promise<boolean> {
    return this.batched('jobs', (db) => jobs.completeJob(db, id, leaseToken));
  }
  rescheduleJob(
    id: string,
    leaseToken: string,
    dueAt: number,
    lastError: string | null,
    progressed = false,
  ): Promise<boolean> {
    return this.batched('jobs', (db) => jobs.rescheduleJob(db, id, leaseToken, dueAt, lastError, progressed));
  }
  countJobs(kind?: string): Promise<number> {
    return jobs.countJobs(this.db, kind);
  }
  takeEventsToDispatch(limit: number): Promise<OutboxRecord[]> {
    if (!this.db.isTransaction) throw new Error('store.takeEventsToDispatch() belongs inside a transaction');
    return outbox.takeEventsToDispatch(this.db, limit);
  }
  failEventDispatch(id: string, error: string, maxAttempts: number, now: number): Promise<'retry' | 'dead' | 'gone'> {
    return this.transaction((tx) => deadLetters.failEventDispatch((tx as KyselyStore).db, id, error, maxAttempts, now));
  }
  deadLetterJob(id: string, leaseToken: string, error: string, now: number): Promise<boolean> {
    return this.transaction((tx) => deadLetters.deadLetterJob((tx as KyselyStore).db, id, leaseToken, error, now));
  }
  listDeadLetters(limit: number): Promise<DeadLetter[]> {
    return deadLetters.listDeadLetters(this.db, limit);
  }
  retryDeadLetter(id: string, now: number): Promise<DeadLetter | undefined> {
    return this.transaction((tx) => deadLetters.retryDeadLetter((tx as KyselyStore).db, id, now));
  }
  deleteDeadLetter(id: string): Promise<boolean> {
    return deadLetters.deleteDeadLetter(this.db, id);
  }

  // slash commands and interactions (ports/interaction-records.ts)
  setBotCommands(botId: string, commands: readonly Wire.BotCommand[], at: number): Promise<void> {
    return this.transaction((tx) => interactions.setBotCommands((tx as KyselyStore).db, botId, commands, at));
  }
  async listBotCommands(botId: string): Promise<Wire.BotCommand[]> {
    return (await interactions.listCommandsOfBots(this.db, [botId])).map((entry) => entry.command);
  }
  listCommandsOfBots(botIds: readonly string[]): Promise<{ botId: string; command: Wire.BotCommand }[]> {
    return interactions.listCommandsOfBots(this.db, botIds);
  }
  listBotMembers(conversationId: string): Promise<{ id: string; username: string }[]> {
    return interactions.listBotMembers(this.db, conversationId);
  }
  createInteraction(record: InteractionRecord): Promise<void> {
    return interactions.createInteraction(this.db, record);
  }
  getInteraction(id: string): Promise<InteractionRecord | undefined> {
    return interactions.getInteraction(this.db, id);
  }
  transitionInteraction(
    id: string,
    from: readonly Wire.InteractionStatus[],
    to: Wire.InteractionStatus,
    patch: { reply?: { text: string }; expiresAt?: number },
  ): Promise<boolean> {
    return interactions.transitionInteraction(this.db, id, from, to, patch);
  }
  pruneInteractions(before: number, limit: number): Promise<number> {
    return interactions.pruneInteractions(this.db, before, limit);
  }

  // web push (ports/push-records.ts)
  upsertPushSubscription(record: Push.PushSubscriptionRecord): Promise<Push.PushSubscriptionRecord> {
    return this.transaction((tx) => push.upsertPushSubscription((tx as KyselyStore).db, record));
  }
  getPushSubscription(id: string): Promise<Push.PushSubscriptionRecord | undefined> {
    return push.getPushSubscription(this.db, id);
  }
  listPushSubscriptionsOfUser(userId: string): Promise<Push.PushSubscriptionRecord[]> {
    return push.listPushSubscriptionsOfUser(this.db, userId);
  }
  countPushSubscriptionsOfSession(sessionId: string): Promise<number> {
    return push.countPushSubscriptionsOfSession(this.db, sessionId);
  }
  deletePushSubscription(id: string, userId?: string): Promise<boolean> {
    return push.deletePushSubscription(this.db, id, userId);
  }
  listPushRecipients(conversationId: string, exceptUserId: string): Promise<Push.PushRecipient[]> {
    return push.listPushRecipients(this.db, conversationId, exceptUserId);
  }
  getDoNotDisturb(userId: string): Promise<number | null> {
    return push.getDoNotDisturb(this.db, userId);
  }
  setDoNotDisturb(userId: string, until: number | null): Promise<void> {
    return push.setDoNotDisturb(this.db, userId, until);
  }
  getQuietHours(userId: string): Promise<QuietWindow | null> {
    return push.getQuietHours(this.db, userId);
  }
  setQuietHours(userId: string, window: QuietWindow | null): Promise<void> {
    return push.setQuietHours(this.db, userId, window);
  }
  setDeviceFocus(focus: Parameters<Push.PushRecords['setDeviceFocus']>[0]): Promise<void> {
    return push.setDeviceFocus(this.db, focus);
  }
  clearDeviceFocus(sessionId: string, connectionId?: string): Promise<void> {
    return push.clearDeviceFocus(this.db, sessionId, connectionId);
  }
  listFocusedUsers(conversationId: string, now: number): Promise<string[]> {
    return push.listFocusedUsers(this.db, conversationId, now);
  }
  recordPushDecisions(decisions: readonly Push.PushDecisionRecord[], keepPerUser: number): Promise<void> {
    return this.transaction((tx) => push.recordPushDecisions((tx as KyselyStore).db, decisions, keepPerUser));
  }
  setPushDelivery(decisionId: string, delivery: PushDelivery): Promise<void> {
    return push.setPushDelivery(this.db, decisionId, delivery);
  }
  listPushDecisions(userId: string, limit: number): Promise<Push.PushDecisionRecord[]> {
    return push.listPushDecisions(this.db, userId, limit);
  }
  initServerSetting(key: string, value: unknown, at: number): Promise<unknown> {
    return push.initServerSetting(this.db, key, value, at);
  }

  // webhooks and bots (ports/webhook-records.ts)
  createWebhookSubscription(record: Hooks.WebhookSubscriptionRecord): Promise<void> {
    return webhooks.createWebhookSubscription(this.db, record);
  }
  getWebhookSubscription(id: string): Promise<Hooks.WebhookSubscriptionRecord | undefined> {
    return webhooks.getWebhookSubscription(this.db, id);
  }
  listWebhookSubscriptions(botId: string): Promise<Hooks.WebhookSubscriptionRecord[]> {
    return webhooks.listWebhookSubscriptions(this.db, botId);
  }
  listEnabledWebhookSubscriptions(): Promise<Hooks.WebhookSubscriptionRecord[]> {
    return webhooks.listEnabledWebhookSubscriptions(this.db);
  }
  disableWebhookSubscription(id: string, reason: string): Promise<void> {
    return webhooks.disableWebhookSubscription(this.db, id, reason);
  }
  deleteWebhookSubscription(id: string): Promise<boolean> {
    return this.transaction((tx) => webhooks.deleteWebhookSubscription((tx as KyselyStore).db, id));
  }
  createWebhookDelivery(record: Hooks.WebhookDeliveryRecord): Promise<void> {
    return webhooks.createWebhookDelivery(this.db, record);
  }
  getWebhookDelivery(id: string): Promise<Hooks.WebhookDeliveryRecord | undefined> {
    return webhooks.getWebhookDelivery(this.db, id);
  }
  updateWebhookDelivery(
    id: string,
    patch: { status: Hooks.DeliveryStatus; attempts: number; nextAttemptAt: number | null },
  ): Promise<void> {
    return webhooks.updateWebhookDelivery(this.db, id, patch);
  }
  listWebhookDeliveries(subscriptionId: string, limit: number): Promise<Hooks.WebhookDeliveryRecord[]> {
    return webhooks.listWebhookDeliveries(this.db, subscriptionId, limit);
  }
  pruneWebhookDeliveries(createdBefore: number, limit: number): Promise<number> {
    return this.transaction((tx) => webhooks.pruneWebhookDeliveries((tx as KyselyStore).db, createdBefore, limit));
  }
  addWebhookAttempt(record: Hooks.WebhookAttemptRecord): Promise<void> {
    return webhooks.addWebhookAttempt(this.db, record);
  }
  listWebhookAttempts(
    subscriptionId: string,
    options: { deliveryId?: string; limit: number },
  ): Promise<Hooks.WebhookAttemptRecord[]> {
    return webhooks.listWebhookAttempts(this.db, subscriptionId, options);
  }
  createIncomingWebhook(record: Hooks.IncomingWebhookRecord): Promise<void> {
    return webhooks.createIncomingWebhook(this.db, record);
  }
  getIncomingWebhookByTokenHash(tokenHash: string): Promise<Hooks.IncomingWebhookRecord | undefined> {
    return webhooks.getIncomingWebhookByTokenHash(this.db, tokenHash);
  }
  getIncomingWebhook(id: string): Promise<Hooks.IncomingWebhookRecord | undefined> {
    return webhooks.getIncomingWebhook(this.db, id);
  }
  listIncomingWebhooks(botId: string): Promise<Hooks.IncomingWebhookRecord[]> {
    return webhooks.listIncomingWebhooks(this.db, botId);
  }
  deleteIncomingWebhook(id: string): Promise<boolean> {
    return webhooks.deleteIncomingWebhook(this.db, id);
  }
  listBotsOwnedBy(ownerId: string): Promise<UserRecord[]> {
    return webhooks.listBotsOwnedBy(this.db, ownerId);
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
    return this.db.isTransaction ? work(this.db) : this.shared.groupCommit.run(key, work);
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
  searchUsers(options: Port.SearchUsersOptions): Promise<UserRecord[]> {
    return accounts.searchUsers(this.db, options);
  }
  deleteAccount(userId: string, at: number, displayName: string): Promise<string[]> {
    return this.transaction((tx) => accounts.deleteAccount((tx as KyselyStore).db, userId, at, displayName));
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
    // Every user of a node goes offline at once when it shuts down: share the commits.
    return this.batched(`user:${id}`, (db) => accounts.setLastSeen(db, id, at));
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
  listContactDetails(ownerId: string): Promise<ContactRecord[]> {
    return contacts.listContactDetails(this.db, ownerId);
  }
  getContactDetails(ownerId: string, contactId: string): Promise<ContactRecord | undefined> {
    return contacts.getContactDetails(this.db, ownerId, contactId);
  }
  setContactDetails(
    ownerId: string,
    contactId: string,
    details: { nickname: string | null; groups: readonly string[] },
  ): Promise<boolean> {
    return contacts.setContactDetails(this.db, ownerId, contactId, details);
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
  listBlockRelations(userId: string): Promise<{ blocked: string[]; blockedBy: string[] }> {
    return contacts.listBlockRelations(this.db, userId);
  }
  setPresenceVisibility(userId: string, visibility: Wire.PresenceVisibility): Promise<void> {
    return accounts.setPresenceVisibility(this.db, userId, visibility);
  }
  addSubscriptionRequest(requesterId: string, targetId: string, at: number): Promise<boolean> {
    return contacts.addSubscriptionRequest(this.db, requesterId, targetId, at);
  }
  removeSubscriptionRequest(requesterId: string, targetId: string): Promise<boolean> {
    return contacts.removeSubscriptionRequest(this.db, requesterId, targetId);
  }
  listSubscriptionRequests(targetId: string): Promise<UserRecord[]> {
    return contacts.listSubscriptionRequests(this.db, targetId);
  }
  listOutgoingSubscriptionRequests(requesterId: string): Promise<string[]> {
    return contacts.listOutgoingSubscriptionRequests(this.db, requesterId);
  }

  // conversations and members
  createConversation(
    conversation: NewConversation,
    members: readonly NewMember[],
  ): Promise<{ conversation: Conversation; created: boolean }> {
    return conversations.createConversation(this.ctx, conversation, members);
  }
  getConversation(id: string, options?: { members?: boolean }): Promise<Conversation | undefined> {
    return conversations.getConversation(this.db, id, options);
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
  roomNicks(conversationId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    return conversations.roomNicks(this.db, conversationId, userIds);
  }
  roomNickHolder(conversationId: string, fold: string): Promise<string | undefined> {
    return conversations.roomNickHolder(this.db, conversationId, fold);
  }
  setRoomNick(
    conversationId: string,
    userId: string,
    nick: { nick: string; fold: string } | null,
  ): Promise<'set' | 'taken' | 'not_member'> {
    return conversations.setRoomNick(this.ctx, conversationId, userId, nick);
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
  listMembershipStarts(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    return conversations.listMembershipStarts(this.db, userId, conversationIds);
  }
  listConversationPartners(userId: string): Promise<string[]> {
    return conversations.listConversationPartners(this.db, userId);
  }
  listPartnersWhereTookPart(userId: string): Promise<string[]> {
    return conversations.listPartnersWhereTookPart(this.db, userId);
  }
  listPartnersWhoTookPart(userId: string): Promise<string[]> {
    return conversations.listPartnersWhoTookPart(this.db, userId);
  }
  listConversationSummaries(userId: string, options: { limit: number }): Promise<ConversationSummary[]> {
    return listConversationSummaries(this.db, userId, options);
  }

  // channels, member settings and moderation (issue 4)
  updateConversation(id: string, patch: Port.ConversationPatch): Promise<void> {
    return conversations.updateConversation(this.db, id, patch);
  }

  setConversationArchived(id: string, archivedAt: number | null): Promise<boolean> {
    return conversationPurge.setConversationArchived(this.db, id, archivedAt);
  }

  markConversationDeleted(id: string, at: number): Promise<boolean> {
    return conversationPurge.markConversationDeleted(this.db, id, at);
  }

  purgeConversationStep(id: string, limit: number): Promise<Port.PurgeStep> {
    return conversationPurge.purgeConversationStep(this.db, id, limit);
  }

  listDeletedConversations(limit: number): Promise<string[]> {
    return conversationPurge.listDeletedConversations(this.db, limit);
  }

  countConversationRows(id: string, messageIds: readonly string[]): Promise<Record<string, number>> {
    return conversationPurge.countConversationRows(this.ctx, id, messageIds);
  }
  getMemberRecord(conversationId: string, userId: string): Promise<Port.MemberRecord | undefined> {
    return conversations.getMemberRecord(this.db, conversationId, userId);
  }
  listMembers(conversationId: string, options: { cursor?: string; limit: number }): Promise<Port.Page<Member>> {
    return conversations.listMembers(this.db, conversationId, options);
  }
  listMembersWithRoles(conversationId: string, roles: readonly Role[]): Promise<string[]> {
    return conversations.listMembersWithRoles(this.db, conversationId, roles);
  }
  findHeir(conversationId: string, exceptUserId: string): Promise<Member | undefined> {
    return conversations.findHeir(this.db, conversationId, exceptUserId);
  }
  setMemberMute(conversationId: string, userId: string, until: number | null): Promise<void> {
    return conversations.setMemberMute(this.db, conversationId, userId, until);
  }
  setNotifyLevel(conversationId: string, userId: string, level: Wire.NotifyLevel): Promise<void> {
    return conversations.setNotifyLevel(this.db, conversationId, userId, level);
  }
  lockFavourites(userId: string): Promise<string[]> {
    return favourites.lockFavourites(this.db, userId);
  }
  setFavouritePositions(userId: string, places: readonly FavouritePlace[]): Promise<void> {
    return favourites.setFavouritePositions(this.db, userId, places);
  }
  setMarkedUnread(conversationId: string, userId: string, seq: number | null): Promise<void> {
    return conversations.setMarkedUnread(this.db, conversationId, userId, seq);
  }
  listPublicChannels(
    viewerId: string,
    options: { query?: string; cursor?: string; limit: number },
  ): Promise<Port.Page<Wire.ChannelListing>> {
    return conversations.listPublicChannels(this.db, viewerId, options);
  }
  addBan(conversationId: string, ban: Wire.Ban): Promise<void> {
    return moderation.addBan(this.db, conversationId, ban);
  }
  removeBan(conversationId: string, userId: string): Promise<boolean> {
    return moderation.removeBan(this.db, conversationId, userId);
  }
  getActiveBan(conversationId: string, userId: string, now: number): Promise<Wire.Ban | undefined> {
    return moderation.getActiveBan(this.db, conversationId, userId, now);
  }
  listBans(conversationId: string, now: number): Promise<Wire.Ban[]> {
    return moderation.listBans(this.db, conversationId, now);
  }
  createReport(report: Omit<Wire.Report, 'message' | 'resolvedAt' | 'resolvedBy'>): Promise<Wire.Report> {
    return moderation.createReport(this.ctx, report);
  }
  getReport(id: string): Promise<Wire.Report | undefined> {
    return moderation.getReport(this.db, id);
  }
  listReports(conversationId: string, options: { open: boolean; limit: number }): Promise<Wire.Report[]> {
    return moderation.listReports(this.db, conversationId, options);
  }
  resolveReport(id: string, by: string, at: number): Promise<Wire.Report | undefined> {
    return moderation.resolveReport(this.db, id, by, at);
  }
  createInvite(invite: Wire.Invite): Promise<Wire.Invite> {
    return moderation.createInvite(this.db, invite);
  }
  getInvite(code: string): Promise<Wire.Invite | undefined> {
    return moderation.getInvite(this.db, code);
  }
  listInvites(conversationId: string): Promise<Wire.Invite[]> {
    return moderation.listInvites(this.db, conversationId);
  }
  revokeInvite(code: string): Promise<boolean> {
    return moderation.revokeInvite(this.db, code);
  }
  useInvite(code: string, now: number): Promise<moderation.UseInviteResult> {
    return moderation.useInvite(this.db, code, now);
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
  listArchive(userId: string, range: Port.ArchiveRange): Promise<Message[]> {
    return archive.listArchive(this.db, userId, range);
  }
  withMyReactions(userId: string, list: Message[]): Promise<Message[]> {
    return decorate.withMyReactions(this.db, userId, list);
  }

  // calls (queries/calls.ts)
  insertCall(call: CallRecord): Promise<void> {
    return calls.insertCall(this.db, call);
  }
  getCall(id: string): Promise<CallRecord | undefined> {
    return calls.getCall(this.db, id);
  }
  transitionCall(id: string, from: readonly Wire.CallState[], patch: CallPatch): Promise<CallRecord | undefined> {
    return calls.transitionCall(this.db, id, from, patch);
  }
  openCallsOf(userId: string): Promise<CallRecord[]> {
    return calls.openCallsOf(this.db, userId);
  }
  listOpenCalls(limit: number): Promise<CallRecord[]> {
    return calls.listOpenCalls(this.db, limit);
  }
  touchCalls(ids: readonly string[], at: number): Promise<void> {
    return calls.touchCalls(this.db, ids, at);
  }
  setCallContent(messageId: string, content: Wire.CallContent, rev: number): Promise<void> {
    return calls.setCallContent(this.ctx, messageId, content, rev);
  }

  // changes to earlier messages (inside the service's transaction, after its update entry)
  editMessage(
    id: string,
    text: string,
    mentions: Wire.Mentions | undefined,
    at: number,
    rev: number,
    components?: Wire.Component[],
  ): Promise<void> {
    return changes.editMessage(this.ctx, id, text, mentions, at, rev, components);
  }
  deleteMessage(id: string, at: number, rev: number): Promise<void> {
    return changes.deleteMessage(this.ctx, id, at, rev);
  }
  setLinkPreviews(messageId: string, previews: readonly LinkPreview[], off: boolean, rev: number): Promise<void> {
    return linkPreviews.setLinkPreviews(this.db, messageId, previews, off, rev);
  }
  getCachedLinkPreview(url: string): Promise<CachedLinkPreview | undefined> {
    return linkPreviews.getCachedLinkPreview(this.db, url);
  }
  putCachedLinkPreview(entry: CachedLinkPreview): Promise<void> {
    return this.batched('link-previews', (db) => linkPreviews.putCachedLinkPreview(db, entry));
  }
  pruneLinkPreviewCache(before: number, limit: number): Promise<number> {
    return this.batched('link-previews', (db) => linkPreviews.pruneLinkPreviewCache(db, before, limit));
  }
  setPinned(id: string, pin: { at: number; by: string } | null, rev: number): Promise<void> {
    return changes.setPinned(this.db, id, pin, rev);
  }
  listPinned(conversationId: string, limit: number): Promise<Message[]> {
    return changes.listPinned(this.db, conversationId, limit);
  }
  addReaction(messageId: string, userId: string, emoji: string, at: number, rev: number): Promise<boolean> {
    return reactions.addReaction(this.db, messageId, userId, emoji, at, rev);
  }
  removeReaction(messageId: string, userId: string, emoji: string, rev: number): Promise<boolean> {
    return reactions.removeReaction(this.db, messageId, userId, emoji, rev);
  }
  countReactionKinds(messageId: string): Promise<number> {
    return reactions.countReactionKinds(this.db, messageId);
  }
  listReactionUsers(
    messageId: string,
    emoji: string,
    options: { cursor?: string; limit: number },
  ): Promise<Port.Page<string>> {
    return reactions.listReactionUsers(this.db, messageId, emoji, options);
  }

  // threads
  advanceThreadRead(rootId: string, userId: string, seq: number): Promise<boolean> {
    return threads.advanceThreadRead(this.db, rootId, userId, seq);
  }
  listThreads(userId: string, options: { conversationId?: string; limit: number }): Promise<Wire.ThreadListing[]> {
    return threads.listThreads(this.db, userId, options);
  }

  // search
  searchMessages(query: Port.SearchQuery): Promise<Message[]> {
    return searchMessages(this.ctx, query);
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
  listConversationFiles(conversationId: string, range: ConversationFilesRange): Promise<Message[]> {
    return files.listConversationFiles(this.db, conversationId, range);
  }
  listFileConversations(fileId: string): Promise<string[]> {
    return files.listFileConversations(this.db, fileId);
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

  // server administration, audit log, two-factor authentication (ports/admin-records.ts)
  setAdmin(userId: string, since: number | null): Promise<boolean> {
    return admin.setAdmin(this.db, userId, since);
  }
  setDeactivated(userId: string, at: number | null): Promise<boolean> {
    return admin.setDeactivated(this.db, userId, at);
  }
  countActiveAdmins(): Promise<number> {
    return admin.countActiveAdmins(this.db);
  }
  hasUsers(): Promise<boolean> {
    return admin.hasUsers(this.db);
  }
  adminSearchUsers(options: { query?: string; afterUsername?: string; limit: number }): Promise<UserRecord[]> {
    return admin.searchUsers(this.db, options);
  }
  getServerSettings(): Promise<Map<string, unknown>> {
    return admin.getServerSettings(this.db);
  }
  setServerSetting(key: string, value: unknown, at: number): Promise<void> {
    return admin.setServerSetting(this.db, key, value, at);
  }
  appendAudit(entry: AdminPort.NewAuditEntry): Promise<AdminPort.AuditRecord> {
    return audit.appendAudit(this.db, entry);
  }
  listAudit(filter: AdminPort.AuditFilter): Promise<AdminPort.AuditRecord[]> {
    return audit.listAudit(this.db, filter);
  }
  getAuditHead(): Promise<{ seq: number; hash: string }> {
    return audit.getAuditHead(this.db);
  }
  getTwoFactor(userId: string): Promise<AdminPort.TwoFactorRecord | undefined> {
    return admin.getTwoFactor(this.db, userId);
  }
  listTwoFactorEnabled(userIds: readonly string[]): Promise<Set<string>> {
    return admin.listTwoFactorEnabled(this.db, userIds);
  }
  setTwoFactorSecret(userId: string, secret: string, at: number): Promise<void> {
    return admin.setTwoFactorSecret(this.db, userId, secret, at);
  }
  enableTwoFactor(userId: string, at: number, step: number, recoveryCodeHashes: readonly string[]): Promise<void> {
    return this.transaction((tx) =>
      admin.enableTwoFactor((tx as KyselyStore).db, userId, at, step, recoveryCodeHashes),
    );
  }
  useTotpStep(userId: string, step: number): Promise<boolean> {
    return admin.useTotpStep(this.db, userId, step);
  }
  useRecoveryCode(userId: string, codeHash: string, at: number): Promise<boolean> {
    return admin.useRecoveryCode(this.db, userId, codeHash, at);
  }
  countRecoveryCodesLeft(userId: string): Promise<number> {
    return admin.countRecoveryCodesLeft(this.db, userId);
  }
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<void> {
    return this.transaction((tx) => admin.replaceRecoveryCodes((tx as KyselyStore).db, userId, codeHashes));
  }
  deleteTwoFactor(userId: string): Promise<void> {
    return this.transaction((tx) => admin.deleteTwoFactor((tx as KyselyStore).db, userId));
  }
  createLoginChallenge(challenge: Omit<AdminPort.LoginChallengeRecord, 'attempts'>, now: number): Promise<void> {
    return admin.createLoginChallenge(this.db, challenge, now);
  }
  attemptLoginChallenge(idHash: string): Promise<AdminPort.LoginChallengeRecord | undefined> {
    return admin.attemptLoginChallenge(this.db, idHash);
  }
  deleteLoginChallenge(idHash: string): Promise<boolean> {
    return admin.deleteLoginChallenge(this.db, idHash);
  }
  // pre-send hooks (ports/presend-hook-records.ts)
  createPresendHook(record: PresendPort.PresendHookRecord): Promise<void> {
    return presend.createPresendHook(this.db, record);
  }
  listPresendHooks(): Promise<PresendPort.PresendHookRecord[]> {
    return presend.listPresendHooks(this.db);
  }
  getPresendHook(id: string): Promise<PresendPort.PresendHookRecord | undefined> {
    return presend.getPresendHook(this.db, id);
  }
  updatePresendHook(
    id: string,
    patch: PresendPort.PresendHookPatch,
  ): Promise<PresendPort.PresendHookRecord | undefined> {
    return presend.updatePresendHook(this.db, id, patch);
  }
  deletePresendHook(id: string): Promise<PresendPort.PresendHookRecord | undefined> {
    return presend.deletePresendHook(this.db, id);
  }
  recordPresendChange(change: { senderId: string; clientId: string; digest: string; at: number }): Promise<void> {
    return presend.recordPresendChange(this.db, change);
  }
  getPresendChange(senderId: string, clientId: string): Promise<string | undefined> {
    return presend.getPresendChange(this.db, senderId, clientId);
  }
  // single sign-on (ports/sso-records.ts)
  getSsoIdentity(issuer: string, subject: string): Promise<SsoPort.SsoIdentityRecord | undefined> {
    return sso.getSsoIdentity(this.db, issuer, subject);
  }
  linkSsoIdentity(identity: SsoPort.SsoIdentityRecord): Promise<boolean> {
    return sso.linkSsoIdentity(this.db, identity);
  }
  touchSsoIdentity(issuer: string, subject: string, at: number): Promise<void> {
    return sso.touchSsoIdentity(this.db, issuer, subject, at);
  }
  countSsoIdentities(): Promise<number> {
    return sso.countSsoIdentities(this.db);
  }
  putSsoTicket(
    ticket: { kind: SsoPort.SsoTicketKind; idHash: string; data: string; expiresAt: number },
    now: number,
  ): Promise<void> {
    return sso.putSsoTicket(this.db, ticket, now);
  }
  takeSsoTicket(kind: SsoPort.SsoTicketKind, idHash: string, now: number): Promise<string | undefined> {
    return sso.takeSsoTicket(this.db, kind, idHash, now);
  }
  // the administration console (ports/console-records.ts)
  createServerInvite(invite: ConsolePort.NewServerInvite): Promise<Wire.ServerInvite> {
    return serverInvites.createServerInvite(this.db, invite);
  }
  listServerInvites(limit: number): Promise<Wire.ServerInvite[]> {
    return serverInvites.listServerInvites(this.db, limit);
  }
  revokeServerInvite(id: string, at: number): Promise<{ invite: Wire.ServerInvite; changed: boolean } | undefined> {
    return serverInvites.revokeServerInvite(this.db, id, at);
  }
  useServerInvite(codeHash: string, now: number): Promise<ConsolePort.UseServerInviteResult> {
    return serverInvites.useServerInvite(this.db, codeHash, now);
  }
  releaseServerInvite(id: string): Promise<void> {
    return serverInvites.releaseServerInvite(this.db, id);
  }
  adminSearchConversations(options: {
    query?: string;
    kind?: 'group' | 'channel';
    beforeId?: string;
    limit: number;
  }): Promise<Conversation[]> {
    return adminConsole.adminSearchConversations(this.db, options);
  }
  listAllReports(options: { open: boolean; limit: number }): Promise<Wire.Report[]> {
    return adminConsole.listAllReports(this.db, options);
  }
  resolveReportAs(id: string, by: string | null, at: number): Promise<Wire.Report | undefined> {
    return adminConsole.resolveReportAs(this.db, id, by, at);
  }
  storageTotals(topUsers: number): Promise<Wire.StorageResponse> {
    return adminConsole.storageTotals(this.db, topUsers);
  }
  // end-to-end encryption (ports/e2ee-records.ts)
  registerDevice(device: Omit<E2ee.E2eeDeviceRecord, 'active'>): Promise<E2ee.E2eeDeviceRecord> {
    return e2ee.registerDevice(this.db, device);
  }
  getDevice(deviceId: string): Promise<E2ee.E2eeDeviceRecord | undefined> {
    return e2ee.getDevice(this.db, deviceId);
  }
  listDevices(userIds: readonly string[]): Promise<E2ee.E2eeDeviceRecord[]> {
    return e2ee.listDevices(this.db, userIds);
  }
  addKeyPackages(
    deviceId: string,
    packages: readonly E2ee.NewKeyPackage[],
    now: number,
  ): Promise<E2ee.KeyPackageCount> {
    return this.transaction((tx) => e2ee.addKeyPackages((tx as KyselyStore).db, deviceId, packages, now));
  }
  countKeyPackages(deviceId: string): Promise<E2ee.KeyPackageCount> {
    return e2ee.countKeyPackages(this.db, deviceId);
  }
  claimKeyPackage(deviceId: string): Promise<{ data: string; lastResort: boolean } | undefined> {
    return e2ee.claimKeyPackage(this.db, deviceId);
  }
  createGroup(group: E2ee.E2eeGroupRecord, devices: readonly E2ee.GroupDevice[], now: number): Promise<void> {
    return this.transaction((tx) => e2ee.createGroup((tx as KyselyStore).db, group, devices, now));
  }
  getGroup(conversationId: string): Promise<E2ee.E2eeGroupRecord | undefined> {
    return e2ee.getGroup(this.db, conversationId);
  }
  listGroupDevices(conversationId: string): Promise<E2ee.GroupDeviceState[]> {
    return e2ee.listGroupDevices(this.db, conversationId);
  }
  advanceEpoch(conversationId: string, fromEpoch: number, now: number): Promise<boolean> {
    return e2ee.advanceEpoch(this.db, conversationId, fromEpoch, now);
  }
  addGroupDevices(conversationId: string, devices: readonly E2ee.GroupDevice[], epoch: number): Promise<void> {
    return e2ee.addGroupDevices(this.db, conversationId, devices, epoch);
  }
  removeGroupDevices(conversationId: string, deviceIds: readonly string[]): Promise<void> {
    return e2ee.removeGroupDevices(this.db, conversationId, deviceIds);
  }
  addWelcomes(welcomes: readonly E2ee.WelcomeRecord[]): Promise<void> {
    return e2ee.addWelcomes(this.db, welcomes);
  }
  listWelcomes(deviceId: string): Promise<E2ee.WelcomeRecord[]> {
    return e2ee.listWelcomes(this.db, deviceId);
  }
  deleteWelcome(deviceId: string, id: string): Promise<boolean> {
    return e2ee.deleteWelcome(this.db, deviceId, id);
  }
}
