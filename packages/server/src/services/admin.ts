/**
 * Server administration: the admin role, accounts (search, create, deactivate,
 * reactivate, reset password, log out everywhere, grant or revoke admin, turn off a
 * lost second factor), run-time settings and the audit log. Authorization is here,
 * for every way in: `as(auth)` checks that the caller is an active server admin (and
 * has 2FA when the server requires it) and only then hands out the operations; the
 * CLI on the server machine gets them with `asCli()` (whoever can run it there can
 * read the database anyway). Every operation appends to the audit log in the same
 * transaction as its write.
 */
import {
  type ExportLine,
  type RetentionHold,
  type RetentionPolicy,
  type RetentionRunReport,
  type RetentionStatusResponse,
  type UpdateRetentionPolicyBody,
  type CreatePresendHookBody,
  type PresendHook,
  type UpdatePresendHookBody,
  type AdminUser,
  type DeadLetter,
  type Conversation,
  type AuditEntry,
  type ServerViewer,
  type ServerSettings,
  type UpdateServerSettingsBody,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import type { AuditRecord } from '../ports/admin-records';
import type { UserRecord } from '../ports/store';
import type { ServiceDeps } from './deps';
import {
  emitRevoked,
  keepOneAdmin,
  normalizeUsername,
  toUser,
  type AccountService,
  type AuthContext,
} from './accounts';
import {
  CLI_ACTOR,
  recordAudit,
  verifyAuditChain,
  type AuditActor,
  type AuditAnchor,
  type AuditVerification,
} from './audit';
import type { ClientOrigin } from './rate-limits';
import type { ServerSettingsService } from './server-settings';
import type { TwoFactorService } from './two-factor';
import type { ConversationLifecycle } from './conversation-lifecycle';
import type { RetentionService } from './retention';
import type { PresendHookService } from './presend-hooks';
import { ExportService } from './export';

/** Largest page of users or audit entries. */
export const ADMIN_PAGE_MAX = 200;
export const AUDIT_PAGE_MAX = 500;

export function toAuditEntry(record: AuditRecord): AuditEntry {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(record.details) as Record<string, unknown>;
  } catch {
    details = { unreadable: record.details };
  }
  return { ...record, details };
}

export class AdminService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly accounts: AccountService,
    private readonly settings: ServerSettingsService,
    private readonly twoFactor: TwoFactorService,
    private readonly lifecycle: ConversationLifecycle,
    private readonly retention: RetentionService,
    private readonly presendHooks: PresendHookService,
  ) {}

  /** Who the caller is to the server (`viewer` of `GET /v1/server`): admin or not, with 2FA or not. */
  async viewer(auth: AuthContext): Promise<ServerViewer> {
    return {
      userId: auth.user.id,
      isAdmin: auth.user.adminSince !== null,
      twoFactorEnabled: await this.twoFactor.isEnabled(auth.user.id),
      adminTwoFactorRequired: (await this.settings.current()).requireAdminTwoFactor,
    };
  }

  /**
   * The admin operations for this caller.
   * @throws AppError('admin_required' | 'admin_two_factor_required')
   */
  async as(auth: AuthContext, origin: ClientOrigin): Promise<AdminOperations> {
    if (auth.user.adminSince === null) throw new AppError('admin_required', 'Only a server administrator may do this.');
    const settings = await this.settings.current();
    if (settings.requireAdminTwoFactor && !(await this.twoFactor.isEnabled(auth.user.id))) {
      throw new AppError(
        'admin_two_factor_required',
        'This server requires administrators to use two-factor authentication: turn it on first.',
      );
    }
    return new AdminOperations(
      this.deps,
      this.accounts,
      this.settings,
      this.lifecycle,
      this.retention,
      this.presendHooks,
      {
        id: auth.user.id,
        name: auth.user.username,
        address: origin.address,
      },
    );
  }

  /** The operations for the CLI on the server machine (`parley user admin`, `parley audit`). */
  asCli(): AdminOperations {
    return new AdminOperations(
      this.deps,
      this.accounts,
      this.settings,
      this.lifecycle,
      this.retention,
      this.presendHooks,
      CLI_ACTOR,
    );
  }
}

export class AdminOperations {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly accounts: AccountService,
    private readonly settings: ServerSettingsService,
    private readonly lifecycle: ConversationLifecycle,
    private readonly retention: RetentionService,
    private readonly presendHooks: PresendHookService,
    readonly actor: AuditActor,
  ) {
    this.exports = new ExportService(deps);
  }

  private readonly exports: ExportService;

  // pre-send hooks (services/presend-hooks.ts; ADR 0030)
  addPresendHook(input: CreatePresendHookBody): Promise<{ hook: PresendHook; secret: string }> {
    return this.presendHooks.create(this.actor, input);
  }
  listPresendHooks(): Promise<PresendHook[]> {
    return this.presendHooks.list();
  }
  updatePresendHook(id: string, patch: UpdatePresendHookBody): Promise<PresendHook> {
    return this.presendHooks.update(this.actor, id, patch);
  }
  removePresendHook(id: string): Promise<void> {
    return this.presendHooks.remove(this.actor, id);
  }

  // retention and legal holds (services/retention.ts; ADR 0019)
  retentionStatus(): Promise<RetentionStatusResponse> {
    return this.retention.status();
  }
  setRetentionPolicy(patch: UpdateRetentionPolicyBody): Promise<RetentionPolicy> {
    return this.retention.setPolicy(this.actor, patch);
  }
  addRetentionHold(input: { kind: 'user' | 'conversation'; targetId: string; reason: string }): Promise<RetentionHold> {
    return this.retention.addHold(this.actor, input);
  }
  removeRetentionHold(holdId: string): Promise<RetentionHold> {
    return this.retention.removeHold(this.actor, holdId);
  }
  /**
   * An export as lines (services/export.ts), audited before the first line: a conversation by
   * id, or every message of a user (id or username).
   */
  async exportLines(query: { conversationId?: string; userId?: string }): Promise<AsyncIterable<ExportLine>> {
    const now = this.now();
    if (query.conversationId !== undefined) {
      const id = query.conversationId;
      if (!(await this.deps.store.getConversation(id))) throw new AppError('not_found', 'No such conversation.');
      await this.deps.store.transaction((tx) => recordAudit(tx, this.actor, now, 'export.conversation', id));
      return this.exports.conversation(id);
    }
    if (query.userId === undefined) throw new AppError('bad_request', 'Name a conversationId or a userId.');
    const user = await this.findUser(query.userId);
    await this.deps.store.transaction((tx) =>
      recordAudit(tx, this.actor, now, 'export.user', user.id, { username: user.username }),
    );
    return this.exports.user(user.id);
  }

  /** One run now (the periodic job runs the same); `ran: false` when another node holds the lease. */
  runRetention(): Promise<RetentionRunReport> {
    return this.retention.run(this.actor);
  }

  private now(): number {
    return this.deps.clock.now();
  }

  private async toAdminUsers(records: readonly UserRecord[]): Promise<AdminUser[]> {
    const withTwoFactor = await this.deps.store.listTwoFactorEnabled(records.map((r) => r.id));
    return records.map((record) => ({
      user: toUser(record),
      isAdmin: record.adminSince !== null,
      deactivatedAt: record.deactivatedAt,
      twoFactorEnabled: withTwoFactor.has(record.id),
      lastSeenAt: record.lastSeenAt,
    }));
  }

  private async userById(userId: string): Promise<UserRecord> {
    const user = await this.deps.store.getUser(userId);
    if (!user) throw new AppError('not_found', 'No such user.');
    return user;
  }

  /** A user by id, or by username (the CLI names users). */
  async findUser(idOrUsername: string): Promise<UserRecord> {
    const user =
      (await this.deps.store.getUser(idOrUsername)) ??
      (await this.deps.store.getUserByUsername(normalizeUsername(idOrUsername)));
    if (!user) throw new AppError('not_found', `No user ${idOrUsername}.`);
    return user;
  }

  async getUser(userId: string): Promise<AdminUser> {
    const [user] = await this.toAdminUsers([await this.userById(userId)]);
    if (!user) throw new AppError('not_found', 'No such user.');
    return user;
  }

  /** Accounts by username; `cursor` is the previous page's nextCursor (a username). */
  async listUsers(options: { q?: string; cursor?: string; limit?: number }): Promise<{
    users: AdminUser[];
    nextCursor: string | null;
  }> {
    const limit = Math.min(options.limit ?? 50, ADMIN_PAGE_MAX);
    const records = await this.deps.store.adminSearchUsers({
      limit,
      ...(options.q === undefined ? {} : { query: options.q }),
      ...(options.cursor === undefined ? {} : { afterUsername: options.cursor }),
    });
    const last = records.at(-1);
    return {
      users: await this.toAdminUsers(records),
      nextCursor: records.length === limit && last ? last.username : null,
    };
  }

  async createUser(input: {
    username: string;
    password: string;
    displayName?: string;
    isAdmin?: boolean;
  }): Promise<AdminUser> {
    const { isAdmin, ...account } = input;
    const created = await this.accounts.createUser(account, this.actor);
    if (isAdmin === true) await this.setAdmin(created.id, true);
    return this.getUser(created.id);
  }

  async setAdmin(userId: string, isAdmin: boolean): Promise<AdminUser> {
    const user = await this.userById(userId);
    if ((user.adminSince !== null) === isAdmin) return this.getUser(userId);
    const now = this.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.setAdmin(user.id, isAdmin ? now : null);
      await recordAudit(tx, this.actor, now, isAdmin ? 'admin.granted' : 'admin.revoked', user.id, {
        username: user.username,
      });
      if (!isAdmin) await keepOneAdmin(tx, user, lastAdmin(user, 'revoking the role'));
    });
    return this.getUser(userId);
  }

  /** Deactivates the account and logs out every device (on every node); returns the count. */
  async deactivate(userId: string): Promise<{ user: AdminUser; revokedSessions: number }> {
    const user = await this.userById(userId);
    if (this.actor.id === user.id) throw new AppError('invalid_operation', 'You cannot deactivate your own account.');
    if (user.deactivatedAt !== null) return { user: await this.getUser(userId), revokedSessions: 0 };
    const now = this.now();
    const revoked = await this.deps.store.transaction(async (tx) => {
      await tx.setDeactivated(user.id, now);
      const ids = await tx.deleteSessionsOfUser(user.id);
      await emitRevoked(tx, user.id, ids);
      await recordAudit(tx, this.actor, now, 'user.deactivated', user.id, {
        username: user.username,
        revokedSessions: ids.length,
      });
      await keepOneAdmin(tx, user, lastAdmin(user, 'deactivating them'));
      return ids.length;
    });
    return { user: await this.getUser(userId), revokedSessions: revoked };
  }

  async reactivate(userId: string): Promise<AdminUser> {
    const user = await this.userById(userId);
    if (user.deactivatedAt === null) return this.getUser(userId);
    const now = this.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.setDeactivated(user.id, null);
      await recordAudit(tx, this.actor, now, 'user.reactivated', user.id, { username: user.username });
    });
    return this.getUser(userId);
  }

  /**
   * Deletes someone else's account (accounts.ts: removeAccount), with everything it sent
   * when `withContent` (erased in batches by the `account.erase` job). Not your own (the
   * settings do that, with your password) and not another admin's (revoke the role first,
   * so that the server always keeps an admin). Returns the old avatar URL to drop.
   */
  async deleteUser(userId: string, options: { withContent: boolean }): Promise<string | null> {
    const user = await this.userById(userId);
    if (this.actor.id === user.id) {
      throw new AppError('invalid_operation', 'Delete your own account from your settings, with your password.');
    }
    if (user.adminSince !== null) {
      throw new AppError('invalid_operation', `${user.username} is an administrator: revoke the role first.`);
    }
    if (user.deletedAt !== null && !options.withContent) return null;
    return this.accounts.removeAccount(user, this.actor, options.withContent);
  }

  /** Sets a new password and logs out every device; returns how many sessions ended. */
  async resetPassword(userId: string, newPassword: string): Promise<number> {
    return this.accounts.resetPasswordOf(await this.userById(userId), newPassword, this.actor);
  }

  async logoutEverywhere(userId: string): Promise<number> {
    const user = await this.userById(userId);
    const now = this.now();
    return this.deps.store.transaction(async (tx) => {
      const ids = await tx.deleteSessionsOfUser(user.id);
      await emitRevoked(tx, user.id, ids);
      await recordAudit(tx, this.actor, now, 'sessions.revoked_all', user.id, {
        username: user.username,
        revokedSessions: ids.length,
      });
      return ids.length;
    });
  }

  /** Turns off the second factor of someone who lost it (they log in with the password alone). */
  async resetTwoFactor(userId: string): Promise<void> {
    const user = await this.userById(userId);
    const now = this.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.deleteTwoFactor(user.id);
      await recordAudit(tx, this.actor, now, 'two_factor.reset', user.id, { username: user.username });
    });
  }

  /**
   * Archives any group or channel, member or not (docs/adr/0020); audited. The system
   * entry names the admin when the admin has an account (the CLI has none: the
   * `conversation.updated` event alone tells the members).
   */
  async archiveConversation(conversationId: string): Promise<Conversation> {
    const conversation = await this.lifecycle.loadForAdmin(conversationId);
    return this.lifecycle.setArchivedAs(conversation, true, this.actor.id, this.actor);
  }

  async unarchiveConversation(conversationId: string): Promise<Conversation> {
    const conversation = await this.lifecycle.loadForAdmin(conversationId);
    return this.lifecycle.setArchivedAs(conversation, false, this.actor.id, this.actor);
  }

  /** Deletes any group or channel for everyone: hidden at once, erased in batches by a job; audited. */
  async deleteConversation(conversationId: string): Promise<void> {
    const conversation = await this.lifecycle.loadForAdmin(conversationId);
    await this.lifecycle.deleteAs(conversation, this.actor);
  }

  getSettings(): Promise<ServerSettings> {
    return this.settings.current();
  }

  /**
   * Writes the given settings. An admin without 2FA cannot require it of admins: the
   * next call would lock them out (the CLI on the server machine may).
   */
  async updateSettings(patch: UpdateServerSettingsBody): Promise<ServerSettings> {
    const actorId = this.actor.id;
    if (patch.requireAdminTwoFactor === true && actorId !== null) {
      if (!(await this.deps.store.listTwoFactorEnabled([actorId])).has(actorId)) {
        throw new AppError(
          'invalid_operation',
          'Turn on two-factor authentication for yourself before requiring it of administrators.',
        );
      }
    }
    const before = await this.settings.current();
    const now = this.now();
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    await this.deps.store.transaction(async (tx) => {
      for (const [key, value] of Object.entries(patch) as [keyof ServerSettings, unknown][]) {
        if (value === undefined) continue;
        await tx.setServerSetting(key, value, now);
        if (before[key] !== value) changed[key] = { from: before[key], to: value };
      }
      await recordAudit(tx, this.actor, now, 'settings.changed', null, { changed });
    });
    return this.settings.current();
  }

  /** Events and jobs that failed too often (ADR 0018), newest first. */
  async listDeadLetters(limit = 100): Promise<DeadLetter[]> {
    return this.deps.store.listDeadLetters(Math.min(limit, 500));
  }

  /** Puts a dead letter back: the event awaits the dispatcher again, the job is due now. */
  async retryDeadLetter(id: string): Promise<DeadLetter> {
    const now = this.now();
    const letter = await this.deps.store.retryDeadLetter(id, now);
    if (!letter) throw new AppError('not_found', 'No such dead letter.');
    await recordAudit(this.deps.store, this.actor, now, 'dead_letter.retried', null, {
      id,
      source: letter.source,
      kind: letter.kind,
    });
    return letter;
  }

  /** Drops a dead letter for good. */
  async deleteDeadLetter(id: string): Promise<void> {
    if (!(await this.deps.store.deleteDeadLetter(id))) throw new AppError('not_found', 'No such dead letter.');
    await recordAudit(this.deps.store, this.actor, this.now(), 'dead_letter.deleted', null, { id });
  }

  /** Newest first; `before` pages back (the previous page's nextCursor). */
  async listAudit(query: {
    action?: string;
    user?: string;
    from?: number;
    to?: number;
    before?: number;
    limit?: number;
  }): Promise<{ entries: AuditEntry[]; nextCursor: number | null }> {
    const limit = Math.min(query.limit ?? 100, AUDIT_PAGE_MAX);
    let user = query.user;
    if (user !== undefined) {
      // A username stands for its account: entries name targets by id.
      const record = await this.deps.store.getUserByUsername(normalizeUsername(user));
      if (record) user = record.id;
    }
    const records = await this.deps.store.listAudit({
      limit,
      ...(query.action === undefined ? {} : { action: query.action }),
      ...(user === undefined ? {} : { user }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      ...(query.before === undefined ? {} : { before: query.before }),
    });
    const last = records.at(-1);
    return { entries: records.map(toAuditEntry), nextCursor: records.length === limit && last ? last.seq : null };
  }

  /** Every entry from `after` on, oldest first (exports). */
  async readAudit(after: number, limit: number): Promise<AuditEntry[]> {
    return (await this.deps.store.listAudit({ after, limit })).map(toAuditEntry);
  }

  verifyAudit(anchor?: AuditAnchor): Promise<AuditVerification> {
    return verifyAuditChain(this.deps.store, anchor);
  }
}

const lastAdmin = (user: UserRecord, what: string) =>
  `${user.username} is the last active administrator: ${what} would leave none.`;
