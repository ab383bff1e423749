/**
 * What the administration console does beyond services/admin.ts: server invites,
 * groups and channels across the server (search, members, ownership), one queue of the
 * reports of every conversation, and storage totals. Every method takes the caller's
 * {@link AdminOperations}: holding one is the proof that `admin.as(auth)` (or the CLI's
 * `asCli()`) authorized a server admin, so no way in reaches these without that check.
 * Writes append to the audit log in their transaction.
 */
import type {
  AdminConversationsQuery,
  AdminReport,
  Conversation,
  CreateServerInviteBody,
  Member,
  Report,
  ServerInvite,
  StorageResponse,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import type { AdminOperations } from './admin';
import { recordAudit } from './audit';
import type { ConversationLifecycle } from './conversation-lifecycle';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import type { ServerInviteService } from './server-invites';

/** Largest page of conversations, members or reports. */
export const CONSOLE_PAGE_MAX = 200;
/** How many of the largest file owners the storage figures name. */
const TOP_USERS = 10;

export class AdminConsoleService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
    private readonly lifecycle: ConversationLifecycle,
    private readonly invites: ServerInviteService,
  ) {}

  // ---- server invites (registration `invite`) ----

  createInvite(ops: AdminOperations, body: CreateServerInviteBody): Promise<{ invite: ServerInvite; code: string }> {
    return this.invites.create(ops.actor, body);
  }

  listInvites(_ops: AdminOperations): Promise<ServerInvite[]> {
    return this.invites.list();
  }

  revokeInvite(ops: AdminOperations, inviteId: string): Promise<ServerInvite> {
    return this.invites.revoke(ops.actor, inviteId);
  }

  // ---- groups and channels ----

  /** Groups and channels, newest first; `cursor` is the previous page's nextCursor (an id). */
  async listConversations(
    _ops: AdminOperations,
    query: AdminConversationsQuery,
  ): Promise<{ conversations: Conversation[]; nextCursor: string | null }> {
    const limit = Math.min(query.limit ?? 50, CONSOLE_PAGE_MAX);
    const conversations = await this.deps.store.adminSearchConversations({
      limit,
      ...(query.q === undefined ? {} : { query: query.q }),
      ...(query.kind === undefined ? {} : { kind: query.kind }),
      ...(query.cursor === undefined ? {} : { beforeId: query.cursor }),
    });
    const last = conversations.at(-1);
    return { conversations, nextCursor: conversations.length === limit && last ? last.id : null };
  }

  /** The members of any group or channel, a page at a time (no membership needed). */
  async members(
    _ops: AdminOperations,
    conversationId: string,
    page: { cursor?: string; limit?: number },
  ): Promise<{ members: Member[]; nextCursor: string | null }> {
    await this.lifecycle.loadForAdmin(conversationId);
    const { items, nextCursor } = await this.deps.store.listMembers(conversationId, {
      limit: Math.min(page.limit ?? 50, CONSOLE_PAGE_MAX),
      ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
    });
    return { members: items, nextCursor };
  }

  /**
   * Makes `userId` (a member) the owner of a group or channel; the owners it had become
   * admins of it. Each change is a `member.role` system entry in the sequence (P5), named
   * after the server admin (the new owner when the CLI acts: it has no account). Audited.
   * @throws AppError('not_found' | 'invalid_operation')
   */
  async transferOwnership(ops: AdminOperations, conversationId: string, userId: string): Promise<Conversation> {
    const conversation = await this.lifecycle.loadForAdmin(conversationId);
    const member = await this.deps.store.getMember(conversationId, userId);
    if (!member) throw new AppError('not_found', 'The new owner must be a member of the conversation.');
    if (member.role === 'owner') return conversation;
    const actorId = ops.actor.id ?? userId;
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (tx) => {
      const previous = await tx.listMembersWithRoles(conversationId, ['owner']);
      const recorded = [];
      for (const owner of previous) {
        await tx.setMemberRole(conversationId, owner, 'admin');
        recorded.push(
          await this.conversations.record(tx, conversationId, actorId, {
            type: 'system',
            action: 'member.role',
            userIds: [owner],
            role: 'admin',
          }),
        );
      }
      await tx.setMemberRole(conversationId, userId, 'owner');
      const last = await this.conversations.record(tx, conversationId, actorId, {
        type: 'system',
        action: 'member.role',
        userIds: [userId],
        role: 'owner',
      });
      recorded.push(last);
      await this.conversations.emitChanges(tx, recorded);
      await recordAudit(tx, ops.actor, now, 'conversation.owner_transferred', conversationId, {
        kind: conversation.kind,
        title: conversation.title,
        to: userId,
        from: previous,
      });
      return last.conversation;
    });
  }

  // ---- reports ----

  /** The reports of every live conversation in one queue, newest first: open ones by default. */
  async reports(_ops: AdminOperations, query: { state?: 'open' | 'all'; limit?: number }): Promise<AdminReport[]> {
    const reports = await this.deps.store.listAllReports({
      open: (query.state ?? 'open') === 'open',
      limit: Math.min(query.limit ?? 100, CONSOLE_PAGE_MAX),
    });
    const conversations = new Map<string, Conversation | undefined>();
    const out: AdminReport[] = [];
    for (const report of reports) {
      if (!conversations.has(report.conversationId)) {
        const found = await this.deps.store.getConversation(report.conversationId, { members: false });
        conversations.set(report.conversationId, found);
      }
      const conversation = conversations.get(report.conversationId);
      if (!conversation) continue; // deleted meanwhile
      out.push({ report, conversation: { id: conversation.id, kind: conversation.kind, title: conversation.title } });
    }
    return out;
  }

  /** Closes a report (`resolved`: acted on, `dismissed`: nothing wrong). Idempotent; audited once. */
  async resolveReport(ops: AdminOperations, reportId: string, outcome: 'resolved' | 'dismissed'): Promise<Report> {
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (tx) => {
      const before = await tx.getReport(reportId);
      if (!before) throw new AppError('not_found', 'No such report.');
      const report = await tx.resolveReportAs(reportId, ops.actor.id, now);
      if (!report) throw new AppError('not_found', 'No such report.');
      if (before.resolvedAt === null) {
        await recordAudit(tx, ops.actor, now, `report.${outcome}`, reportId, {
          conversationId: report.conversationId,
          messageId: report.messageId,
          reporterId: report.reporterId,
        });
      }
      return report;
    });
  }

  // ---- storage ----

  storage(_ops: AdminOperations): Promise<StorageResponse> {
    return this.deps.store.storageTotals(TOP_USERS);
  }
}
