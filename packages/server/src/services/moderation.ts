/**
 * Moderation of groups and channels: kick, ban (with an optional expiry), mute (the
 * message service refuses a muted member's posts with `muted`), reports of messages
 * to the moderators, and invite links (expiry, use count). Authorization is the
 * matrix of domain/permissions.ts, through ConversationService.authorize.
 *
 * Bans, unbans, mutes and unmutes are system messages in the sequence (P5), written in
 * the same transaction as the change; reports are not in the sequence (only moderators
 * see them): they go live to each moderator's user topic as `report.new`.
 */
import { randomBytes } from 'node:crypto';
import type { Ban, ChannelListing, Conversation, Invite, Report } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { cleanOptionalText, cleanText } from '../domain/text';
import { newId } from '../domain/ids';
import { MODERATING_ROLES } from '../domain/permissions';
import { topics } from '../ports/bus';
import type { AuthContext } from './accounts';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';

/** Most reports one listing returns. */
const REPORTS_PAGE = 200;

const INVITE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const INVITE_LENGTH = 22;

/**
 * An invite code: 22 letters and digits (about 131 random bits). Letters and digits only, because
 * a code starting with '-' reads as an option to `parley invite accept`, and a trailing '-' or '_'
 * is cut off by link detectors in other apps.
 */
export function newInviteCode(): string {
  let code = '';
  while (code.length < INVITE_LENGTH) {
    for (const byte of randomBytes(32)) {
      // 248 = 4 * 62: bytes above it are dropped so that every character is equally likely.
      if (byte < 248 && code.length < INVITE_LENGTH) code += INVITE_ALPHABET[byte % 62];
    }
  }
  return code;
}

export interface InvitePreview {
  channel: ChannelListing;
  kind: Conversation['kind'];
}

export class ModerationService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
  ) {}

  /** Removes a member; they may come back (join or invite), unlike after a ban. */
  kick(auth: AuthContext, conversationId: string, userId: string): Promise<void> {
    return this.conversations.removeMember(auth, conversationId, userId);
  }

  /**
   * Bans a member or an outsider, until lifted or for `durationSeconds`. A member is
   * removed in the same transaction; a banned user cannot join, be added or accept an
   * invite until the ban ends. Banning again replaces the ban (a new expiry).
   */
  async ban(
    auth: AuthContext,
    conversationId: string,
    userId: string,
    options: { durationSeconds?: number | undefined; reason?: string | undefined } = {},
  ): Promise<Ban> {
    const reason = cleanOptionalText('reason', options.reason);
    const { target } = await this.conversations.authorizeOnMember(auth, conversationId, 'ban', userId);
    if (!target && !(await this.deps.store.getUser(userId))) throw new AppError('not_found', 'No such user.');
    const now = this.deps.clock.now();
    const ban: Ban = {
      userId,
      bannedBy: auth.user.id,
      reason: reason ?? null,
      createdAt: now,
      expiresAt: options.durationSeconds === undefined ? null : now + options.durationSeconds * 1000,
    };
    await this.deps.store.transaction(async (tx) => {
      await tx.addBan(conversationId, ban);
      if (target) await tx.removeMember(conversationId, userId);
      const recorded = await this.conversations.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.banned',
        userIds: [userId],
        until: ban.expiresAt,
      });
      await this.conversations.emitChange(tx, recorded);
      if (target) await this.conversations.emitRemoved(tx, conversationId, userId);
    });
    return ban;
  }

  async unban(auth: AuthContext, conversationId: string, userId: string): Promise<void> {
    await this.conversations.authorize(auth, conversationId, 'ban');
    const unbanned = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.removeBan(conversationId, userId))) return false;
      const recorded = await this.conversations.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.unbanned',
        userIds: [userId],
      });
      await this.conversations.emitMessage(tx, recorded);
      return true;
    });
    if (!unbanned) throw new AppError('not_found', 'This user is not banned.');
  }

  /** Active bans (expired ones are gone from the list). */
  async bans(auth: AuthContext, conversationId: string): Promise<Ban[]> {
    await this.conversations.authorize(auth, conversationId, 'ban');
    return this.deps.store.listBans(conversationId, this.deps.clock.now());
  }

  /** Mutes a member for `durationSeconds`: they still read, react and report, but cannot post. */
  async mute(auth: AuthContext, conversationId: string, userId: string, durationSeconds: number): Promise<number> {
    const { target } = await this.conversations.authorizeOnMember(auth, conversationId, 'mute', userId);
    if (!target) throw new AppError('not_found', 'This user is not a member.');
    const until = this.deps.clock.now() + durationSeconds * 1000;
    await this.deps.store.transaction(async (tx) => {
      await tx.setMemberMute(conversationId, userId, until);
      const recorded = await this.conversations.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.muted',
        userIds: [userId],
        until,
      });
      await this.conversations.emitMessage(tx, recorded);
    });
    return until;
  }

  /** Lifts a mute; unmuting someone who is not muted (or whose mute ran out) records nothing. */
  async unmute(auth: AuthContext, conversationId: string, userId: string): Promise<void> {
    const { target } = await this.conversations.authorizeOnMember(auth, conversationId, 'mute', userId);
    if (!target) throw new AppError('not_found', 'This user is not a member.');
    if (target.mutedUntil === null) return;
    const stillMuted = target.mutedUntil > this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.setMemberMute(conversationId, userId, null);
      if (!stillMuted) return;
      const recorded = await this.conversations.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.unmuted',
        userIds: [userId],
      });
      await this.conversations.emitMessage(tx, recorded);
    });
  }

  /**
   * Reports a message to the conversation's moderators, admins and owner (live, as
   * `report.new` on their user topics). One report per reporter and message: a repeat
   * returns the first and notifies nobody again.
   */
  async report(auth: AuthContext, conversationId: string, messageId: string, rawReason: string): Promise<Report> {
    const reason = cleanText('reason', rawReason);
    await this.conversations.authorize(auth, conversationId, 'report');
    const message = await this.deps.store.getMessage(messageId);
    if (!message || message.conversationId !== conversationId) throw new AppError('not_found', 'No such message.');
    const now = this.deps.clock.now();
    const id = newId('r', now);
    return this.deps.store.transaction(async (tx) => {
      const report = await tx.createReport({
        id,
        conversationId,
        messageId,
        reporterId: auth.user.id,
        reason: reason.trim() || reason,
        createdAt: now,
      });
      if (report.id !== id) return report; // a repeat
      const moderators = await tx.listMembersWithRoles(conversationId, MODERATING_ROLES);
      for (const userId of moderators) await tx.emit(topics.user(userId), { v: 1, type: 'report.new', report });
      return report;
    });
  }

  /** Reports, newest first: open ones by default, or all. */
  async reports(auth: AuthContext, conversationId: string, state: 'open' | 'all' = 'open'): Promise<Report[]> {
    await this.conversations.authorize(auth, conversationId, 'viewReports');
    return this.deps.store.listReports(conversationId, { open: state === 'open', limit: REPORTS_PAGE });
  }

  async resolveReport(auth: AuthContext, conversationId: string, reportId: string): Promise<Report> {
    await this.conversations.authorize(auth, conversationId, 'viewReports');
    const report = await this.deps.store.getReport(reportId);
    if (!report || report.conversationId !== conversationId) throw new AppError('not_found', 'No such report.');
    const resolved = await this.deps.store.resolveReport(reportId, auth.user.id, this.deps.clock.now());
    if (!resolved) throw new AppError('not_found', 'No such report.');
    return resolved;
  }

  async createInvite(
    auth: AuthContext,
    conversationId: string,
    options: { expiresInSeconds?: number | undefined; maxUses?: number | undefined } = {},
  ): Promise<Invite> {
    await this.conversations.authorize(auth, conversationId, 'manageInvites');
    const now = this.deps.clock.now();
    return this.deps.store.createInvite({
      code: newInviteCode(),
      conversationId,
      createdBy: auth.user.id,
      createdAt: now,
      expiresAt: options.expiresInSeconds === undefined ? null : now + options.expiresInSeconds * 1000,
      maxUses: options.maxUses ?? null,
      uses: 0,
      revoked: false,
    });
  }

  async invites(auth: AuthContext, conversationId: string): Promise<Invite[]> {
    await this.conversations.authorize(auth, conversationId, 'manageInvites');
    return this.deps.store.listInvites(conversationId);
  }

  async revokeInvite(auth: AuthContext, conversationId: string, code: string): Promise<void> {
    await this.conversations.authorize(auth, conversationId, 'manageInvites');
    const invite = await this.deps.store.getInvite(code);
    if (!invite || invite.conversationId !== conversationId) throw new AppError('not_found', 'No such invite.');
    await this.deps.store.revokeInvite(code);
  }

  /** What an invite leads to, for anyone holding a valid code (nothing is used up). */
  async previewInvite(auth: AuthContext, code: string): Promise<InvitePreview> {
    const invite = await this.validInvite(code);
    const conversation = await this.conversations.load(invite.conversationId);
    const member = await this.deps.store.getMember(conversation.id, auth.user.id);
    return { channel: listing(conversation, member !== undefined), kind: conversation.kind };
  }

  /**
   * Joins through an invite: counts one use atomically (never more than `maxUses`),
   * unless you are already a member (then nothing is used). Banned users are refused
   * before a use is counted.
   */
  async acceptInvite(auth: AuthContext, code: string): Promise<Conversation> {
    const invite = await this.validInvite(code);
    const conversation = await this.conversations.load(invite.conversationId);
    if (await this.deps.store.getMember(conversation.id, auth.user.id)) return conversation;
    await this.conversations.checkNotBanned(conversation.id, auth.user.id);
    this.conversations.checkNotArchived(conversation);
    // Before the invite is used: a refused acceptance must not spend one of its uses.
    await this.conversations.checkMembershipRate(auth.user.id);
    const used = await this.deps.store.useInvite(code, this.deps.clock.now());
    if (!used.ok) throw invalidInvite(used.reason);
    return this.conversations.admit(auth.user.id, conversation);
  }

  private async validInvite(code: string): Promise<Invite> {
    const invite = await this.deps.store.getInvite(code);
    if (!invite) throw invalidInvite('unknown');
    if (invite.revoked) throw invalidInvite('revoked');
    if (invite.expiresAt !== null && invite.expiresAt <= this.deps.clock.now()) throw invalidInvite('expired');
    if (invite.maxUses !== null && invite.uses >= invite.maxUses) throw invalidInvite('used_up');
    return invite;
  }
}

function invalidInvite(reason: 'unknown' | 'revoked' | 'expired' | 'used_up'): AppError {
  return new AppError('invite_invalid', `This invite cannot be used (${reason.replace('_', ' ')}).`, {
    details: { reason },
  });
}

function listing(conversation: Conversation, joined: boolean): ChannelListing {
  return {
    id: conversation.id,
    title: conversation.title,
    topic: conversation.topic,
    description: conversation.description,
    postPolicy: conversation.postPolicy,
    memberCount: conversation.memberCount,
    lastActivityAt: conversation.lastActivityAt,
    joined,
  };
}
