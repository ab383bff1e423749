/**
 * Channels, moderation and invites (`client.channels`, `client.moderation`,
 * `client.invites`): thin typed calls over HTTP. Changes they cause (joins, bans,
 * mutes, settings) also arrive in order as system messages through the `message`
 * event; reports arrive live as the `report` event for moderators.
 */
import type { Ban, ChannelListing, Conversation, Invite, PostPolicy, Report, Visibility } from '@parley/protocol';
import type { ApiContext } from './client-api';

/** A page of a listing: pass `nextCursor` back as `cursor` for the next one (null: the last page). */
export interface Page {
  nextCursor: string | null;
}

/** Creating, finding and joining channels. */
export class ChannelsApi {
  constructor(private readonly ctx: ApiContext) {}

  /**
   * Creates a channel with you as its owner.
   *
   * @example
   * ```ts
   * const news = await client.channels.create({ title: 'News', visibility: 'public', postPolicy: 'admins' });
   * ```
   */
  async create(options: {
    title: string;
    visibility: Visibility;
    postPolicy?: PostPolicy;
    topic?: string;
    description?: string;
    memberIds?: string[];
  }): Promise<Conversation> {
    return (await this.ctx.http.createChannel(options)).conversation;
  }

  /** Public channels, most members first; `query` matches title and topic. */
  directory(
    options: { query?: string; cursor?: string; limit?: number } = {},
  ): Promise<{ channels: ChannelListing[] } & Page> {
    return this.ctx.http.directory(options);
  }

  /** Joins a public channel (private ones take an invite: `client.invites.accept`). Idempotent. */
  async join(conversationId: string): Promise<Conversation> {
    return (await this.ctx.http.join(conversationId)).conversation;
  }
}

/** Keeping order: kick, ban, mute and reports (moderators and above; reports by any member). */
export class ModerationApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Removes a member; they may come back (join, invite). */
  kick(conversationId: string, userId: string): Promise<void> {
    return this.ctx.http.removeMember(conversationId, userId);
  }
  /** Bans a member (removing them) or an outsider, until lifted or for `durationSeconds` (at least 60). */
  ban(
    conversationId: string,
    userId: string,
    options: { durationSeconds?: number; reason?: string } = {},
  ): Promise<void> {
    return this.ctx.http.ban(conversationId, { userId, ...options });
  }
  unban(conversationId: string, userId: string): Promise<void> {
    return this.ctx.http.unban(conversationId, userId);
  }
  /** Active bans. */
  async bans(conversationId: string): Promise<Ban[]> {
    return (await this.ctx.http.bans(conversationId)).bans;
  }
  /** Mutes a member for `durationSeconds` (60 to one year): they read but cannot post. */
  mute(conversationId: string, userId: string, durationSeconds: number): Promise<void> {
    return this.ctx.http.mute(conversationId, { userId, durationSeconds });
  }
  unmute(conversationId: string, userId: string): Promise<void> {
    return this.ctx.http.unmute(conversationId, userId);
  }
  /** Reports a message to the conversation's moderators (once per message: a repeat returns the first report). */
  async report(conversationId: string, messageId: string, reason: string): Promise<Report> {
    return (await this.ctx.http.report(conversationId, { messageId, reason })).report;
  }
  /** Reports, newest first: open ones by default. */
  async reports(conversationId: string, options: { state?: 'open' | 'all' } = {}): Promise<Report[]> {
    return (await this.ctx.http.reports(conversationId, options)).reports;
  }
  async resolveReport(conversationId: string, reportId: string): Promise<Report> {
    return (await this.ctx.http.resolveReport(conversationId, reportId)).report;
  }
}

/** Invite links (owners and admins create, list and revoke them; anyone holding a code accepts). */
export class InvitesApi {
  constructor(private readonly ctx: ApiContext) {}

  async create(conversationId: string, options: { expiresInSeconds?: number; maxUses?: number } = {}): Promise<Invite> {
    return (await this.ctx.http.createInvite(conversationId, options)).invite;
  }
  async list(conversationId: string): Promise<Invite[]> {
    return (await this.ctx.http.invites(conversationId)).invites;
  }
  revoke(conversationId: string, code: string): Promise<void> {
    return this.ctx.http.revokeInvite(conversationId, code);
  }
  /** Where a code leads, without using it; `invite_invalid` (with `details.reason`) if it cannot be used. */
  preview(code: string): Promise<{ channel: ChannelListing; kind: string }> {
    return this.ctx.http.previewInvite(code);
  }
  /** Joins through the code (counts one use unless you are already a member). */
  async accept(code: string): Promise<Conversation> {
    return (await this.ctx.http.acceptInvite(code)).conversation;
  }
}
