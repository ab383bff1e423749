/**
 * The HTTP calls of server administration, the audit log and two-factor
 * authentication (`/v1/server`, `/v1/admin/...`, `/v1/me/2fa/...`,
 * `/v1/auth/login/second-factor`): an {@link HttpClient} with these methods too.
 * The server decides who may call them (admins only for `/v1/admin`); a refusal is a
 * ParleyError (`admin_required`, `admin_two_factor_required`, ...).
 */
import type {
  AdminConversationsQuery,
  AdminConversationsResponse,
  AdminReportsQuery,
  AdminReportsResponse,
  CreateServerInviteBody,
  CreateServerInviteResponse,
  Member,
  PageQuery,
  Report,
  ServerInviteResponse,
  ServerInvitesResponse,
  StorageResponse,
  AdminCreateUserBody,
  AdminUserResponse,
  AdminUsersQuery,
  AdminUsersResponse,
  AuditQuery,
  AuditResponse,
  CreatePresendHookBody,
  CreatedPresendHookResponse,
  PresendHookResponse,
  PresendHooksResponse,
  UpdatePresendHookBody,
  DeadLetterResponse,
  DeadLettersResponse,
  LoginBody,
  RecoveryCodesResponse,
  RevokedResponse,
  SecondFactorChallenge,
  SecondFactorLoginBody,
  ServerInfoResponse,
  ServerSettingsResponse,
  TwoFactorSetupResponse,
  TwoFactorStatusResponse,
  UpdateServerSettingsBody,
  CreateRetentionHoldBody,
  ExportLine,
  ExportQuery,
  RetentionHoldResponse,
  RetentionPolicyResponse,
  RetentionRunReport,
  RetentionStatusResponse,
  UpdateRetentionPolicyBody,
} from '@parley/protocol';
import { ParleyError } from './errors';
import { parsePrometheusText, type MetricSample } from './prometheus-text';
import { HttpClient, type AuthResponseBody, type ConversationResponseBody } from './http';

const seg = encodeURIComponent;

/**
 * The challenge of a login refused with `second_factor_required`, or undefined for
 * any other error.
 *
 * @example
 * ```ts
 * try {
 *   await http.login({ username, password });
 * } catch (err) {
 *   const challenge = secondFactorChallenge(err);
 *   if (!challenge) throw err;
 *   await http.loginSecondFactor({ challenge: challenge.challenge, code: await askCode() });
 * }
 * ```
 */
export function secondFactorChallenge(error: unknown): SecondFactorChallenge | undefined {
  if (!(error instanceof ParleyError) || error.code !== 'second_factor_required') return undefined;
  const challenge = error.details?.['challenge'];
  const expiresAt = error.details?.['expiresAt'];
  if (typeof challenge !== 'string' || typeof expiresAt !== 'number') return undefined;
  return { challenge, expiresAt };
}

/** Typed calls to the admin, audit and two-factor parts of the HTTP API. */
export class AdminHttpClient extends HttpClient {
  /** GET /v1/admin/dead-letters: events and jobs that failed too often, newest first. */
  adminDeadLetters(limit?: number): Promise<DeadLettersResponse> {
    return this.call('GET', `/v1/admin/dead-letters${limit === undefined ? '' : `?limit=${limit}`}`);
  }

  /** POST /v1/admin/dead-letters/:id/retry: the event is dispatched again, the job runs again. */
  adminRetryDeadLetter(id: string): Promise<DeadLetterResponse> {
    return this.call('POST', `/v1/admin/dead-letters/${seg(id)}/retry`);
  }

  /** DELETE /v1/admin/dead-letters/:id: drops it for good. */
  async adminDeleteDeadLetter(id: string): Promise<void> {
    await this.call('DELETE', `/v1/admin/dead-letters/${seg(id)}`);
  }

  /** GET /v1/admin/hooks: the pre-send hooks, in the order they run (never their secrets). */
  adminPresendHooks(): Promise<PresendHooksResponse> {
    return this.call('GET', '/v1/admin/hooks');
  }

  /**
   * POST /v1/admin/hooks: adds a pre-send hook; the answer carries its signing secret,
   * shown this once.
   * @example
   * const { hook, secret } = await admin.adminAddPresendHook({ url: 'https://dlp.example/check', policy: 'closed' });
   */
  adminAddPresendHook(body: CreatePresendHookBody): Promise<CreatedPresendHookResponse> {
    return this.call('POST', '/v1/admin/hooks', { body });
  }

  /** PATCH /v1/admin/hooks/:id: changes its filters, deadline, policy or whether it is enabled. */
  adminUpdatePresendHook(id: string, body: UpdatePresendHookBody): Promise<PresendHookResponse> {
    return this.call('PATCH', `/v1/admin/hooks/${seg(id)}`, { body });
  }

  /** DELETE /v1/admin/hooks/:id: removes it. */
  async adminRemovePresendHook(id: string): Promise<void> {
    await this.call('DELETE', `/v1/admin/hooks/${seg(id)}`);
  }

  /** GET /v1/server with your token: adds `viewer` (whether you are a server admin, whether you use 2FA). */
  serverViewer(): Promise<ServerInfoResponse> {
    return this.call('GET', '/v1/server');
  }

  /**
   * Password login that asks for the second factor when the account has one:
   * `askCode` is called with the challenge and returns a TOTP or recovery code.
   */
  async loginWithSecondFactor(
    body: LoginBody,
    askCode: (challenge: SecondFactorChallenge) => Promise<string>,
  ): Promise<AuthResponseBody> {
    try {
      return await this.login(body);
    } catch (error) {
      const challenge = secondFactorChallenge(error);
      if (!challenge) throw error;
      return this.loginSecondFactor({
        challenge: challenge.challenge,
        code: await askCode(challenge),
        ...(body.deviceName === undefined ? {} : { deviceName: body.deviceName }),
      });
    }
  }
  /** POST /v1/auth/login/second-factor */
  loginSecondFactor(body: SecondFactorLoginBody): Promise<AuthResponseBody> {
    return this.call('POST', '/v1/auth/login/second-factor', { body, auth: false });
  }

  // ---- your own second factor ----
  /** GET /v1/me/2fa */
  twoFactorStatus(): Promise<TwoFactorStatusResponse> {
    return this.call('GET', '/v1/me/2fa');
  }
  /** POST /v1/me/2fa/setup: a new secret and otpauth:// URI, active once confirmed by `enableTwoFactor`. */
  setupTwoFactor(): Promise<TwoFactorSetupResponse> {
    return this.call('POST', '/v1/me/2fa/setup');
  }
  /** POST /v1/me/2fa/enable: returns the ten recovery codes, shown once. */
  enableTwoFactor(code: string): Promise<RecoveryCodesResponse> {
    return this.call('POST', '/v1/me/2fa/enable', { body: { code } });
  }
  /** POST /v1/me/2fa/disable (a TOTP or recovery code) */
  disableTwoFactor(code: string): Promise<void> {
    return this.call('POST', '/v1/me/2fa/disable', { body: { code } });
  }
  /** POST /v1/me/2fa/recovery-codes: new codes; the old ones stop working. */
  renewRecoveryCodes(code: string): Promise<RecoveryCodesResponse> {
    return this.call('POST', '/v1/me/2fa/recovery-codes', { body: { code } });
  }

  // ---- administration (server admins) ----
  /** GET /v1/admin/users */
  adminListUsers(query: AdminUsersQuery = {}): Promise<AdminUsersResponse> {
    return this.call('GET', '/v1/admin/users', { query: { ...query } });
  }
  /** POST /v1/admin/users */
  adminCreateUser(body: AdminCreateUserBody): Promise<AdminUserResponse> {
    return this.call('POST', '/v1/admin/users', { body });
  }
  /** GET /v1/admin/users/:userId */
  adminGetUser(userId: string): Promise<AdminUserResponse> {
    return this.call('GET', `/v1/admin/users/${seg(userId)}`);
  }
  /** POST /v1/admin/users/:userId/deactivate: also logs out every device. */
  adminDeactivate(userId: string): Promise<AdminUserResponse> {
    return this.call('POST', `/v1/admin/users/${seg(userId)}/deactivate`);
  }
  /** POST /v1/admin/conversations/:conversationId/archive: read-only for everyone; audited. */
  adminArchiveConversation(conversationId: string): Promise<ConversationResponseBody> {
    return this.call('POST', `/v1/admin/conversations/${seg(conversationId)}/archive`);
  }
  /** POST /v1/admin/conversations/:conversationId/unarchive */
  adminUnarchiveConversation(conversationId: string): Promise<ConversationResponseBody> {
    return this.call('POST', `/v1/admin/conversations/${seg(conversationId)}/unarchive`);
  }
  /** DELETE /v1/admin/conversations/:conversationId: gone for everyone, with its messages and files; audited. */
  adminDeleteConversation(conversationId: string): Promise<void> {
    return this.call('DELETE', `/v1/admin/conversations/${seg(conversationId)}`);
  }
  /** POST /v1/admin/users/:userId/reactivate */
  adminReactivate(userId: string): Promise<AdminUserResponse> {
    return this.call('POST', `/v1/admin/users/${seg(userId)}/reactivate`);
  }
  /** POST /v1/admin/users/:userId/password: also logs out every device. */
  adminResetPassword(userId: string, newPassword: string): Promise<RevokedResponse> {
    return this.call('POST', `/v1/admin/users/${seg(userId)}/password`, { body: { newPassword } });
  }
  /** POST /v1/admin/users/:userId/logout */
  adminLogoutEverywhere(userId: string): Promise<RevokedResponse> {
    return this.call('POST', `/v1/admin/users/${seg(userId)}/logout`);
  }
  /** PUT /v1/admin/users/:userId/admin */
  adminSetAdmin(userId: string, isAdmin: boolean): Promise<AdminUserResponse> {
    return this.call('PUT', `/v1/admin/users/${seg(userId)}/admin`, { body: { isAdmin } });
  }
  /**
   * DELETE /v1/admin/users/:userId: deletes someone else's account (not an admin's);
   * `withContent` also erases everything it sent, in batches after the answer. Audited.
   */
  async adminDeleteUser(userId: string, options: { withContent?: boolean } = {}): Promise<void> {
    await this.call('DELETE', `/v1/admin/users/${seg(userId)}`, {
      body: { withContent: options.withContent === true },
    });
  }
  /** DELETE /v1/admin/users/:userId/2fa: for someone who lost their authenticator and recovery codes. */
  adminResetTwoFactor(userId: string): Promise<void> {
    return this.call('DELETE', `/v1/admin/users/${seg(userId)}/2fa`);
  }
  /** GET /v1/admin/settings */
  adminSettings(): Promise<ServerSettingsResponse> {
    return this.call('GET', '/v1/admin/settings');
  }
  /** PATCH /v1/admin/settings */
  adminUpdateSettings(body: UpdateServerSettingsBody): Promise<ServerSettingsResponse> {
    return this.call('PATCH', '/v1/admin/settings', { body });
  }
  /** GET /v1/admin/retention: the policy, legal holds and conversations with their own period. */
  adminRetention(): Promise<RetentionStatusResponse> {
    return this.call('GET', '/v1/admin/retention');
  }
  /** PUT /v1/admin/retention: `days: null` keeps forever. */
  adminSetRetention(body: UpdateRetentionPolicyBody): Promise<RetentionPolicyResponse> {
    return this.call('PUT', '/v1/admin/retention', { body });
  }
  /** POST /v1/admin/retention/holds: a legal hold on a user's messages or a conversation. */
  adminAddRetentionHold(body: CreateRetentionHoldBody): Promise<RetentionHoldResponse> {
    return this.call('POST', '/v1/admin/retention/holds', { body });
  }
  /** DELETE /v1/admin/retention/holds/:holdId */
  adminRemoveRetentionHold(holdId: string): Promise<RetentionHoldResponse> {
    return this.call('DELETE', `/v1/admin/retention/holds/${seg(holdId)}`);
  }
  /** POST /v1/admin/retention/run: one run now; `ran: false` when another node is running one. */
  adminRunRetention(): Promise<RetentionRunReport> {
    return this.call('POST', '/v1/admin/retention/run');
  }
  /**
   * GET /v1/admin/export: a conversation (`conversationId`) or every message of a user
   * (`userId`, id or username), line by line as the server streams it.
   *
   * @example
   * ```ts
   * for await (const line of admin.adminExport({ conversationId })) out.write(JSON.stringify(line) + '\n');
   * ```
   */
  adminExport(query: ExportQuery): AsyncGenerator<ExportLine> {
    return this.lines<ExportLine>('/v1/admin/export', { ...query });
  }
  /** GET /v1/admin/audit: newest first; pass `nextCursor` back as `before`. */
  adminAudit(query: AuditQuery = {}): Promise<AuditResponse> {
    return this.call('GET', '/v1/admin/audit', { query: { ...query } });
  }

  // ---- the administration console (admin-console.ts of the protocol) ----
  /** GET /v1/admin/invites: server invites, newest first (never their codes). */
  adminInvites(): Promise<ServerInvitesResponse> {
    return this.call('GET', '/v1/admin/invites');
  }
  /** POST /v1/admin/invites: the answer carries the code, this once. */
  adminCreateInvite(body: CreateServerInviteBody = {}): Promise<CreateServerInviteResponse> {
    return this.call('POST', '/v1/admin/invites', { body });
  }
  /** DELETE /v1/admin/invites/:inviteId: revoked (still listed). */
  adminRevokeInvite(inviteId: string): Promise<ServerInviteResponse> {
    return this.call('DELETE', `/v1/admin/invites/${seg(inviteId)}`);
  }
  /** GET /v1/admin/conversations: groups and channels, newest first; pass `nextCursor` back as `cursor`. */
  adminConversations(query: AdminConversationsQuery = {}): Promise<AdminConversationsResponse> {
    return this.call('GET', '/v1/admin/conversations', { query: { ...query } });
  }
  /** GET /v1/admin/conversations/:conversationId/members */
  adminConversationMembers(conversationId: string, query: PageQuery = {}): Promise<MembersPage> {
    return this.call('GET', `/v1/admin/conversations/${seg(conversationId)}/members`, { query: { ...query } });
  }
  /** POST /v1/admin/conversations/:conversationId/owner: the member becomes owner, the old owners admins. */
  adminTransferOwnership(conversationId: string, userId: string): Promise<ConversationResponseBody> {
    return this.call('POST', `/v1/admin/conversations/${seg(conversationId)}/owner`, { body: { userId } });
  }
  /** GET /v1/admin/reports: every conversation's reports in one queue (open ones by default). */
  adminReports(query: AdminReportsQuery = {}): Promise<AdminReportsResponse> {
    return this.call('GET', '/v1/admin/reports', { query: { ...query } });
  }
  /** POST /v1/admin/reports/:reportId/resolve (`resolved` or `dismissed`) */
  adminResolveReport(reportId: string, outcome: 'resolved' | 'dismissed'): Promise<{ report: Report }> {
    return this.call('POST', `/v1/admin/reports/${seg(reportId)}/resolve`, { body: { outcome } });
  }
  /** GET /v1/admin/storage: accounts, conversations, files and their bytes. */
  adminStorage(): Promise<StorageResponse> {
    return this.call('GET', '/v1/admin/storage');
  }
  /** GET /v1/admin/metrics: the node's Prometheus figures, parsed ({@link parsePrometheusText}). */
  async adminMetrics(): Promise<MetricSample[]> {
    return parsePrometheusText(await this.call<string>('GET', '/v1/admin/metrics', { text: true }));
  }
}

/** A page of members (`GET .../members`). */
export interface MembersPage {
  members: Member[];
  nextCursor: string | null;
}
