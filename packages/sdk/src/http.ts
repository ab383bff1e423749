/**
 * A small typed client for the `/v1` HTTP API: one method per endpoint, bodies and
 * answers typed from the protocol package, every failure thrown as a ParleyError
 * (server errors keep their code and status; network failures and timeouts become
 * retryable `unavailable`). It holds no state beyond a token getter.
 */
import type {
  AddMembersBody,
  AuthResponse,
  ChangePasswordBody,
  DeleteAccountBody,
  ClientData,
  ContactResponse,
  ContactsResponse,
  ConversationFilesQuery,
  ConversationFilesResponse,
  ConversationResponse,
  ConversationsResponse,
  CreateDirectBody,
  FileLinkResponse,
  FileVariant,
  CreateGroupBody,
  HistoryQuery,
  HistoryResponse,
  LoginBody,
  SsoExchangeBody,
  PinsResponse,
  PresenceResponse,
  PrivacyResponse,
  MessageResponse,
  ReactionUsersResponse,
  RegisterBody,
  RenameBody,
  ResultOf,
  SendMessageBody,
  SendMessageResponse,
  SessionsResponse,
  ServerInfoResponse,
  SetRoleBody,
  ThreadsResponse,
  UpdateContactBody,
  UpdatePrivacyBody,
  UpdateProfileBody,
  UserResponse,
  UsersResponse,
  UserSearchQuery,
  UserSearchResponse,
} from '@parley/protocol';
import type * as Wire from '@parley/protocol';
import type { Static } from 'typebox';
import { fromErrorBody, localError, ParleyError } from './errors';

/** Response body types of the HTTP API. */
export type AuthResponseBody = Static<typeof AuthResponse>;
export type UserResponseBody = Static<typeof UserResponse>;
export type ServerInfoResponseBody = Static<typeof ServerInfoResponse>;
export type UsersResponseBody = Static<typeof UsersResponse>;
export type ContactsResponseBody = Static<typeof ContactsResponse>;
export type ContactResponseBody = Static<typeof ContactResponse>;
export type SessionsResponseBody = Static<typeof SessionsResponse>;
export type ConversationResponseBody = Static<typeof ConversationResponse>;
export type ConversationsResponseBody = Static<typeof ConversationsResponse>;
export type HistoryResponseBody = Static<typeof HistoryResponse>;
export type ConversationFilesResponseBody = Static<typeof ConversationFilesResponse>;
export type SendMessageResponseBody = Static<typeof SendMessageResponse>;
export type PresenceResponseBody = Static<typeof PresenceResponse>;
export type PrivacyResponseBody = Static<typeof PrivacyResponse>;
export type PinsResponseBody = Static<typeof PinsResponse>;
export type ThreadsResponseBody = Static<typeof ThreadsResponse>;
export type MessageResponseBody = Static<typeof MessageResponse>;
export type ReactionUsersResponseBody = Static<typeof ReactionUsersResponse>;
export type FileLinkResponseBody = Static<typeof FileLinkResponse>;

/** The `fetch` signature the client uses (the global one by default). */
export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** Options of an {@link HttpClient}. */
export interface HttpClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Token sent as `Authorization: Bearer`, read at every request. */
  getToken?: () => string | undefined;
  fetch?: FetchFn;
  /** Per-request timeout in milliseconds. Default 15 000. */
  timeoutMs?: number;
}

export interface RequestOptions {
  body?: unknown;
  /** A body sent as is (an image), with its content type. */
  raw?: { data: Blob | Uint8Array; type: string };
  query?: Record<string, string | number | undefined>;
  auth?: boolean;
  /** Resolve with the body's text rather than its JSON (`GET /v1/admin/metrics`). */
  text?: boolean;
}

const seg = encodeURIComponent;

/** Typed calls to the Parley HTTP API. */
export class HttpClient {
  private readonly baseUrl: string;
  private readonly fetchFn: FetchFn;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  // ---- accounts and sessions ----
  /** GET /v1/server (public): sign-up open or closed, and whether any account exists. */
  serverInfo(): Promise<ServerInfoResponseBody> {
    return this.call('GET', '/v1/server', { auth: false });
  }
  /** POST /v1/auth/register */
  register(body: RegisterBody): Promise<AuthResponseBody> {
    return this.call('POST', '/v1/auth/register', { body, auth: false });
  }
  /** POST /v1/auth/login */
  login(body: LoginBody): Promise<AuthResponseBody> {
    return this.call('POST', '/v1/auth/login', { body, auth: false });
  }
  /**
   * POST /v1/auth/sso/exchange: trades the one-time code of a single sign-on login
   * (the web app finds it in its address, `#/sso?code=...`) for a session. In a
   * browser it must run in the page of the server's origin: the login cookie set by
   * `/v1/auth/sso/start` goes with it.
   */
  ssoExchange(body: SsoExchangeBody): Promise<AuthResponseBody> {
    return this.call('POST', '/v1/auth/sso/exchange', { body, auth: false });
  }
  /** POST /v1/auth/logout: revokes the current session. */
  logout(): Promise<void> {
    return this.call('POST', '/v1/auth/logout');
  }
  /** POST /v1/auth/password */
  changePassword(body: ChangePasswordBody): Promise<void> {
    return this.call('POST', '/v1/auth/password', { body });
  }
  /** GET /v1/sessions */
  listSessions(): Promise<SessionsResponseBody> {
    return this.call('GET', '/v1/sessions');
  }
  /** DELETE /v1/sessions/:sessionId */
  revokeSession(sessionId: string): Promise<void> {
    return this.call('DELETE', `/v1/sessions/${seg(sessionId)}`);
  }
  /** GET /v1/me */
  me(): Promise<UserResponseBody> {
    return this.call('GET', '/v1/me');
  }
  /** PATCH /v1/me */
  updateProfile(body: UpdateProfileBody): Promise<UserResponseBody> {
    return this.call('PATCH', '/v1/me', { body });
  }
  /** DELETE /v1/me: deletes the account (the password confirms it). */
  deleteAccount(body: DeleteAccountBody): Promise<void> {
    return this.call('DELETE', '/v1/me', { body });
  }
  /** PUT /v1/me/avatar: the image (PNG, JPEG, GIF or WebP) as the body. */
  uploadAvatar(data: Blob | Uint8Array, type: string): Promise<UserResponseBody> {
    return this.call('PUT', '/v1/me/avatar', { raw: { data, type } });
  }
  /** PUT /v1/conversations/:conversationId/avatar: a group's or channel's picture (admins). */
  uploadConversationAvatar(
    conversationId: string,
    data: Blob | Uint8Array,
    type: string,
  ): Promise<ConversationResponseBody> {
    return this.call('PUT', `/v1/conversations/${seg(conversationId)}/avatar`, { raw: { data, type } });
  }
  /** GET /v1/me/privacy */
  privacy(): Promise<PrivacyResponseBody> {
    return this.call('GET', '/v1/me/privacy');
  }
  /** PATCH /v1/me/privacy */
  updatePrivacy(body: UpdatePrivacyBody): Promise<PrivacyResponseBody> {
    return this.call('PATCH', '/v1/me/privacy', { body });
  }

  // ---- users, contacts, blocks ----
  /** GET /v1/users/:userId */
  getUser(userId: string): Promise<UserResponseBody> {
    return this.call('GET', `/v1/users/${seg(userId)}`);
  }
  /** GET /v1/users?username=x */
  findUsers(username: string): Promise<UsersResponseBody> {
    return this.call('GET', '/v1/users', { query: { username } });
  }
  /** GET /v1/users/search?q=&cursor=&limit= */
  searchUsers(query: UserSearchQuery): Promise<UserSearchResponse> {
    return this.call('GET', '/v1/users/search', { query: { ...query } });
  }
  /** GET /v1/contacts */
  listContacts(): Promise<ContactsResponseBody> {
    return this.call('GET', '/v1/contacts');
  }
  /** PATCH /v1/contacts/:userId */
  updateContact(userId: string, body: UpdateContactBody): Promise<ContactResponseBody> {
    return this.call('PATCH', `/v1/contacts/${seg(userId)}`, { body });
  }
  /** PUT /v1/contacts/:userId */
  addContact(userId: string): Promise<void> {
    return this.call('PUT', `/v1/contacts/${seg(userId)}`);
  }
  /** DELETE /v1/contacts/:userId */
  removeContact(userId: string): Promise<void> {
    return this.call('DELETE', `/v1/contacts/${seg(userId)}`);
  }
  /** GET /v1/blocks */
  listBlocks(): Promise<UsersResponseBody> {
    return this.call('GET', '/v1/blocks');
  }
  /** PUT /v1/blocks/:userId */
  block(userId: string): Promise<void> {
    return this.call('PUT', `/v1/blocks/${seg(userId)}`);
  }
  /** DELETE /v1/blocks/:userId */
  unblock(userId: string): Promise<void> {
    return this.call('DELETE', `/v1/blocks/${seg(userId)}`);
  }

  // ---- conversations ----
  /** POST /v1/conversations/direct */
  createDirect(body: CreateDirectBody): Promise<ConversationResponseBody> {
    return this.call('POST', '/v1/conversations/direct', { body });
  }
  /** POST /v1/conversations */
  createGroup(body: CreateGroupBody): Promise<ConversationResponseBody> {
    return this.call('POST', '/v1/conversations', { body });
  }
  /** GET /v1/conversations */
  listConversations(): Promise<ConversationsResponseBody> {
    return this.call('GET', '/v1/conversations');
  }
  /** GET /v1/conversations/:conversationId */
  getConversation(conversationId: string): Promise<ConversationResponseBody> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}`);
  }
  /** PATCH /v1/conversations/:conversationId */
  renameConversation(conversationId: string, body: RenameBody): Promise<ConversationResponseBody> {
    return this.call('PATCH', `/v1/conversations/${seg(conversationId)}`, { body });
  }
  /** POST /v1/conversations/:conversationId/members */
  addMembers(conversationId: string, body: AddMembersBody): Promise<ConversationResponseBody> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/members`, { body });
  }
  /** DELETE /v1/conversations/:conversationId/members/:userId */
  removeMember(conversationId: string, userId: string): Promise<void> {
    return this.call('DELETE', `/v1/conversations/${seg(conversationId)}/members/${seg(userId)}`);
  }
  /** PATCH /v1/conversations/:conversationId/members/:userId */
  setRole(conversationId: string, userId: string, body: SetRoleBody): Promise<ConversationResponseBody> {
    return this.call('PATCH', `/v1/conversations/${seg(conversationId)}/members/${seg(userId)}`, { body });
  }
  /** POST /v1/conversations/:conversationId/leave */
  leave(conversationId: string): Promise<void> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/leave`);
  }

  /** POST /v1/conversations/:conversationId/archive */
  archiveConversation(conversationId: string): Promise<ConversationResponseBody> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/archive`);
  }
  /** POST /v1/conversations/:conversationId/unarchive */
  unarchiveConversation(conversationId: string): Promise<ConversationResponseBody> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/unarchive`);
  }
  /** DELETE /v1/conversations/:conversationId */
  deleteConversation(conversationId: string): Promise<void> {
    return this.call('DELETE', `/v1/conversations/${seg(conversationId)}`);
  }

  // ---- messages and presence ----
  /** GET /v1/conversations/:conversationId/messages?before&after&limit */
  history(conversationId: string, query: HistoryQuery = {}): Promise<HistoryResponseBody> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}/messages`, { query: { ...query } });
  }
  /** GET /v1/conversations/:conversationId/files?kind&before&limit (newest first) */
  conversationFiles(conversationId: string, query: ConversationFilesQuery): Promise<ConversationFilesResponseBody> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}/files`, { query: { ...query } });
  }
  /** POST /v1/conversations/:conversationId/messages (idempotent per clientId) */
  sendMessage(conversationId: string, body: SendMessageBody): Promise<SendMessageResponseBody> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/messages`, { body });
  }
  /** GET /v1/search?q&conversationId&senderId&from&to&sort&cursor&limit */
  search(params: ClientData<'search'>): Promise<ResultOf<'search'>> {
    const { query, ...filters } = params;
    return this.call('GET', '/v1/search', { query: { q: query, ...filters } });
  }
  /** GET /v1/conversations/:conversationId/pins */
  pins(conversationId: string): Promise<PinsResponseBody> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}/pins`);
  }
  /** GET /v1/threads?conversationId= */
  threads(query: { conversationId?: string } = {}): Promise<ThreadsResponseBody> {
    return this.call('GET', '/v1/threads', { query: { ...query } });
  }
  /** GET /v1/messages/:messageId */
  message(messageId: string): Promise<MessageResponseBody> {
    return this.call('GET', `/v1/messages/${seg(messageId)}`);
  }
  /** GET /v1/messages/:messageId/reactions?emoji=&cursor=&limit= */
  reactionUsers(
    messageId: string,
    query: { emoji: string; cursor?: string; limit?: number },
  ): Promise<ReactionUsersResponseBody> {
    return this.call('GET', `/v1/messages/${seg(messageId)}/reactions`, { query: { ...query } });
  }
  // ---- slash commands and interactions (docs/bots.md) ----
  /** PUT /v1/bots/:botId/commands: replaces the bot's commands (the bot or its owner). */
  setBotCommands(botId: string, commands: Wire.BotCommand[]): Promise<Wire.BotCommandsResponse> {
    return this.call('PUT', `/v1/bots/${seg(botId)}/commands`, { body: { commands } });
  }
  /** GET /v1/bots/:botId/commands */
  botCommands(botId: string): Promise<Wire.BotCommandsResponse> {
    return this.call('GET', `/v1/bots/${seg(botId)}/commands`);
  }
  /** GET /v1/conversations/:conversationId/commands: the commands of the conversation's bots. */
  conversationCommands(conversationId: string): Promise<Wire.ConversationCommandsResponse> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}/commands`);
  }
  /** POST /v1/conversations/:conversationId/commands: invokes a command (202). */
  invokeCommand(conversationId: string, body: Wire.InvokeCommandBody): Promise<Wire.InteractionCreatedResponse> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/commands`, { body });
  }
  /** POST /v1/messages/:messageId/interactions: clicks a component of a bot's message (202). */
  clickComponent(messageId: string, body: Wire.ClickComponentBody): Promise<Wire.InteractionCreatedResponse> {
    return this.call('POST', `/v1/messages/${seg(messageId)}/interactions`, { body });
  }
  /** POST /v1/interactions/:interactionId/response: the bot answers an interaction. */
  respondToInteraction(
    interactionId: string,
    body: Wire.InteractionResponseBody,
  ): Promise<{ update: Wire.InteractionUpdate }> {
    return this.call('POST', `/v1/interactions/${seg(interactionId)}/response`, { body });
  }
  // ---- bots and webhooks (docs/bots.md) ----
  /** POST /v1/bots */
  createBot(body: Wire.CreateBotBody): Promise<{ bot: Wire.Bot }> {
    return this.call('POST', '/v1/bots', { body });
  }
  /** GET /v1/bots */
  listBots(): Promise<{ bots: Wire.Bot[] }> {
    return this.call('GET', '/v1/bots');
  }
  /** GET /v1/bots/:botId */
  getBot(botId: string): Promise<{ bot: Wire.Bot }> {
    return this.call('GET', `/v1/bots/${seg(botId)}`);
  }
  /** POST /v1/bots/:botId/tokens */
  createBotToken(botId: string, name: string): Promise<Wire.CreatedBotTokenResponse> {
    return this.call('POST', `/v1/bots/${seg(botId)}/tokens`, { body: { name } });
  }
  /** GET /v1/bots/:botId/tokens */
  listBotTokens(botId: string): Promise<{ tokens: Wire.BotToken[] }> {
    return this.call('GET', `/v1/bots/${seg(botId)}/tokens`);
  }
  /** DELETE /v1/bots/:botId/tokens/:tokenId */
  revokeBotToken(botId: string, tokenId: string): Promise<void> {
    return this.call('DELETE', `/v1/bots/${seg(botId)}/tokens/${seg(tokenId)}`);
  }
  /** GET /v1/push/vapid-public-key */
  vapidPublicKey(): Promise<Wire.VapidPublicKeyResponse> {
    return this.call('GET', '/v1/push/vapid-public-key', { auth: false });
  }
  /** POST /v1/me/push-subscriptions */
  createPushSubscription(body: Wire.CreatePushSubscriptionBody): Promise<{ subscription: Wire.PushSubscriptionInfo }> {
    return this.call('POST', '/v1/me/push-subscriptions', { body });
  }
  /** GET /v1/me/push-subscriptions */
  listPushSubscriptions(): Promise<{ subscriptions: Wire.PushSubscriptionInfo[] }> {
    return this.call('GET', '/v1/me/push-subscriptions');
  }
  /** DELETE /v1/me/push-subscriptions/:subscriptionId */
  deletePushSubscription(subscriptionId: string): Promise<void> {
    return this.call('DELETE', `/v1/me/push-subscriptions/${seg(subscriptionId)}`);
  }
  /** GET /v1/me/do-not-disturb */
  doNotDisturb(): Promise<Wire.DoNotDisturbBody> {
    return this.call('GET', '/v1/me/do-not-disturb');
  }
  /** PUT /v1/me/do-not-disturb */
  setDoNotDisturb(body: Wire.DoNotDisturbBody): Promise<Wire.DoNotDisturbBody> {
    return this.call('PUT', '/v1/me/do-not-disturb', { body });
  }
  /** GET /v1/me/quiet-hours */
  quietHours(): Promise<Wire.QuietHoursBody> {
    return this.call('GET', '/v1/me/quiet-hours');
  }
  /** PUT /v1/me/quiet-hours */
  setQuietHours(body: Wire.QuietHoursBody): Promise<Wire.QuietHoursBody> {
    return this.call('PUT', '/v1/me/quiet-hours', { body });
  }
  /** GET /v1/me/push-decisions */
  pushDecisions(): Promise<Wire.PushDecisionsResponse> {
    return this.call('GET', '/v1/me/push-decisions');
  }
  /** POST /v1/me/push-test */
  pushTest(): Promise<{ queued: number }> {
    return this.call('POST', '/v1/me/push-test');
  }
  /** POST /v1/webhooks */
  createWebhook(body: Wire.CreateWebhookBody): Promise<Wire.CreatedWebhookResponse> {
    return this.call('POST', '/v1/webhooks', { body });
  }
  /** GET /v1/webhooks?botId= */
  listWebhooks(botId: string): Promise<{ subscriptions: Wire.WebhookSubscription[] }> {
    return this.call('GET', '/v1/webhooks', { query: { botId } });
  }
  /** DELETE /v1/webhooks/:webhookId */
  deleteWebhook(webhookId: string): Promise<void> {
    return this.call('DELETE', `/v1/webhooks/${seg(webhookId)}`);
  }
  /** GET /v1/webhooks/:webhookId/deliveries */
  webhookDeliveries(webhookId: string): Promise<{ deliveries: Wire.WebhookDelivery[] }> {
    return this.call('GET', `/v1/webhooks/${seg(webhookId)}/deliveries`);
  }
  /** GET /v1/webhooks/:webhookId/attempts?deliveryId=&limit= */
  webhookAttempts(
    webhookId: string,
    query: { deliveryId?: string; limit?: number } = {},
  ): Promise<{ attempts: Wire.WebhookAttempt[] }> {
    return this.call('GET', `/v1/webhooks/${seg(webhookId)}/attempts`, { query: { ...query } });
  }
  /** POST /v1/webhooks/:webhookId/deliveries/:deliveryId/redeliver */
  redeliverWebhook(webhookId: string, deliveryId: string): Promise<{ delivery: Wire.WebhookDelivery }> {
    return this.call('POST', `/v1/webhooks/${seg(webhookId)}/deliveries/${seg(deliveryId)}/redeliver`);
  }
  /** POST /v1/incoming-webhooks */
  createIncomingWebhook(body: Wire.CreateIncomingWebhookBody): Promise<Wire.CreatedIncomingWebhookResponse> {
    return this.call('POST', '/v1/incoming-webhooks', { body });
  }
  /** GET /v1/incoming-webhooks?botId= */
  listIncomingWebhooks(botId: string): Promise<{ incoming: Wire.IncomingWebhook[] }> {
    return this.call('GET', '/v1/incoming-webhooks', { query: { botId } });
  }
  /** DELETE /v1/incoming-webhooks/:incomingId */
  deleteIncomingWebhook(incomingId: string): Promise<void> {
    return this.call('DELETE', `/v1/incoming-webhooks/${seg(incomingId)}`);
  }
  // ---- channels and moderation ----
  /** POST /v1/channels */
  createChannel(body: Wire.CreateChannelBody): Promise<ConversationResponseBody> {
    return this.call('POST', '/v1/channels', { body });
  }
  /** GET /v1/channels?query&cursor&limit */
  directory(query: Static<typeof Wire.DirectoryQuery> = {}): Promise<Static<typeof Wire.DirectoryResponse>> {
    return this.call('GET', '/v1/channels', { query: { ...query } });
  }
  /** POST /v1/conversations/:conversationId/join */
  join(conversationId: string): Promise<ConversationResponseBody> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/join`);
  }
  /** PATCH /v1/conversations/:conversationId (title and settings) */
  updateConversation(conversationId: string, body: Wire.UpdateConversationBody): Promise<ConversationResponseBody> {
    return this.call('PATCH', `/v1/conversations/${seg(conversationId)}`, { body });
  }
  /** GET /v1/conversations/:conversationId/retention: its own period and the one that applies. */
  conversationRetention(conversationId: string): Promise<Wire.ConversationRetentionResponse> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}/retention`);
  }
  /** PUT /v1/conversations/:conversationId/retention (owners and admins; null follows the server). */
  setConversationRetention(conversationId: string, days: number | null): Promise<Wire.ConversationRetentionResponse> {
    return this.call('PUT', `/v1/conversations/${seg(conversationId)}/retention`, { body: { days } });
  }
  /** GET /v1/conversations/:conversationId/members?cursor&limit */
  members(conversationId: string, query: Wire.PageQuery = {}): Promise<Static<typeof Wire.MembersResponse>> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}/members`, { query: { ...query } });
  }
  /** PUT /v1/conversations/:conversationId/settings */
  setMemberSettings(conversationId: string, body: Wire.MemberSettingsBody): Promise<void> {
    return this.call('PUT', `/v1/conversations/${seg(conversationId)}/settings`, { body });
  }
  /** PUT /v1/conversations/:conversationId/favourite */
  placeFavourite(conversationId: string, body: Wire.FavouriteBody): Promise<void> {
    return this.call('PUT', `/v1/conversations/${seg(conversationId)}/favourite`, { body });
  }
  /** DELETE /v1/conversations/:conversationId/favourite */
  removeFavourite(conversationId: string): Promise<void> {
    return this.call('DELETE', `/v1/conversations/${seg(conversationId)}/favourite`);
  }
  /** POST /v1/conversations/:conversationId/bans */
  ban(conversationId: string, body: Wire.BanBody): Promise<void> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/bans`, { body });
  }
  /** GET /v1/conversations/:conversationId/bans */
  bans(conversationId: string): Promise<Static<typeof Wire.BansResponse>> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}/bans`);
  }
  /** DELETE /v1/conversations/:conversationId/bans/:userId */
  unban(conversationId: string, userId: string): Promise<void> {
    return this.call('DELETE', `/v1/conversations/${seg(conversationId)}/bans/${seg(userId)}`);
  }
  /** POST /v1/conversations/:conversationId/mutes */
  mute(conversationId: string, body: Wire.MuteBody): Promise<void> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/mutes`, { body });
  }
  /** DELETE /v1/conversations/:conversationId/mutes/:userId */
  unmute(conversationId: string, userId: string): Promise<void> {
    return this.call('DELETE', `/v1/conversations/${seg(conversationId)}/mutes/${seg(userId)}`);
  }
  /** POST /v1/conversations/:conversationId/reports */
  report(conversationId: string, body: Wire.ReportBody): Promise<Static<typeof Wire.ReportResponse>> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/reports`, { body });
  }
  /** GET /v1/conversations/:conversationId/reports?state=open|all */
  reports(
    conversationId: string,
    query: { state?: 'open' | 'all' } = {},
  ): Promise<Static<typeof Wire.ReportsResponse>> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}/reports`, { query: { ...query } });
  }
  /** POST /v1/conversations/:conversationId/reports/:reportId/resolve */
  resolveReport(conversationId: string, reportId: string): Promise<Static<typeof Wire.ReportResponse>> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/reports/${seg(reportId)}/resolve`);
  }
  /** POST /v1/conversations/:conversationId/invites */
  createInvite(conversationId: string, body: Wire.CreateInviteBody): Promise<Static<typeof Wire.InviteResponse>> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/invites`, { body });
  }
  /** GET /v1/conversations/:conversationId/invites */
  invites(conversationId: string): Promise<Static<typeof Wire.InvitesResponse>> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}/invites`);
  }
  /** DELETE /v1/conversations/:conversationId/invites/:code */
  revokeInvite(conversationId: string, code: string): Promise<void> {
    return this.call('DELETE', `/v1/conversations/${seg(conversationId)}/invites/${seg(code)}`);
  }
  /** GET /v1/invites/:code */
  previewInvite(code: string): Promise<Static<typeof Wire.InvitePreviewResponse>> {
    return this.call('GET', `/v1/invites/${seg(code)}`);
  }
  /** POST /v1/invites/:code/accept */
  acceptInvite(code: string): Promise<ConversationResponseBody> {
    return this.call('POST', `/v1/invites/${seg(code)}/accept`);
  }
  /** GET /v1/presence?userIds=a,b */
  presence(userIds: readonly string[]): Promise<PresenceResponseBody> {
    return this.call('GET', '/v1/presence', { query: { userIds: userIds.join(',') } });
  }

  // ---- files ----
  /** The server's base URL, without a trailing slash. */
  get origin(): string {
    return this.baseUrl;
  }
  /** The current token, or undefined when logged out. */
  token(): string | undefined {
    return this.options.getToken?.();
  }
  /** GET /v1/files/:fileId/link?variant: a signed path that works without a token until it expires. */
  fileLink(fileId: string, variant: FileVariant = 'original'): Promise<FileLinkResponseBody> {
    return this.call('GET', `/v1/files/${seg(fileId)}/link`, { query: { variant } });
  }
  /**
   * GET /v1/files/:fileId[/thumbnail] with the token: the raw response, for the
   * caller to stream (`range` asks for part of it, e.g. `bytes=0-1023`).
   */
  async downloadFile(fileId: string, options: { variant?: FileVariant; range?: string } = {}): Promise<Response> {
    const token = this.options.getToken?.();
    if (token === undefined || token === '') throw new ParleyError('unauthenticated', 'no token: log in first');
    const path = `/v1/files/${seg(fileId)}${options.variant === 'thumbnail' ? '/thumbnail' : ''}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (options.range !== undefined) headers['range'] = options.range;
    let response: Response;
    try {
      response = await this.fetchFn(this.baseUrl + path, { method: 'GET', headers });
    } catch (cause) {
      throw localError(
        'network',
        `GET ${path} failed: ${cause instanceof Error ? cause.message : 'network error'}`,
        cause,
      );
    }
    if (!response.ok) throw fromErrorBody(parseJson(await response.text()), response.status);
    return response;
  }

  // ---- end-to-end encryption (MLS delivery service) ----
  /** POST /v1/e2ee/devices: registers this session as a device with its MLS signature key. */
  registerE2eeDevice(body: Wire.RegisterDeviceBody): Promise<Static<typeof Wire.DeviceResponse>> {
    return this.call('POST', '/v1/e2ee/devices', { body });
  }
  /** GET /v1/users/:userId/e2ee/devices */
  e2eeDevices(userId: string): Promise<Static<typeof Wire.DevicesResponse>> {
    return this.call('GET', `/v1/users/${seg(userId)}/e2ee/devices`);
  }
  /** POST /v1/e2ee/key-packages */
  uploadKeyPackages(body: Wire.UploadKeyPackagesBody): Promise<Wire.KeyPackageCountResponse> {
    return this.call('POST', '/v1/e2ee/key-packages', { body });
  }
  /** GET /v1/e2ee/key-packages: how many this device has left. */
  keyPackageCount(): Promise<Wire.KeyPackageCountResponse> {
    return this.call('GET', '/v1/e2ee/key-packages');
  }
  /** POST /v1/e2ee/key-packages/claim: one key package per device of these users. */
  claimKeyPackages(body: Wire.ClaimKeyPackagesBody): Promise<Wire.ClaimKeyPackagesResponse> {
    return this.call('POST', '/v1/e2ee/key-packages/claim', { body });
  }
  /** GET /v1/conversations/:conversationId/e2ee */
  e2eeGroup(conversationId: string): Promise<Static<typeof Wire.E2eeGroupResponse>> {
    return this.call('GET', `/v1/conversations/${seg(conversationId)}/e2ee`);
  }
  /** POST /v1/conversations/:conversationId/e2ee/commits */
  commit(conversationId: string, body: Wire.CommitBody): Promise<Wire.CommitResponse> {
    return this.call('POST', `/v1/conversations/${seg(conversationId)}/e2ee/commits`, { body });
  }
  /** GET /v1/e2ee/welcomes: Welcome messages waiting for this device. */
  welcomes(): Promise<Wire.WelcomesResponse> {
    return this.call('GET', '/v1/e2ee/welcomes');
  }
  /** DELETE /v1/e2ee/welcomes/:welcomeId */
  ackWelcome(welcomeId: string): Promise<void> {
    return this.call('DELETE', `/v1/e2ee/welcomes/${seg(welcomeId)}`);
  }

  /**
   * GET of a streamed body (exports): resolves once the answer starts, with its bytes as
   * they arrive. A refusal is thrown as a ParleyError before any byte.
   */
  protected async stream(
    path: string,
    query: Record<string, string | undefined> = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    const token = this.options.getToken?.();
    if (token === undefined || token === '') throw new ParleyError('unauthenticated', 'no token: log in first');
    let response: Response;
    try {
      response = await this.fetchFn(url.toString(), { headers: { authorization: `Bearer ${token}` } });
    } catch (cause) {
      throw localError(
        'network',
        `GET ${path} failed: ${cause instanceof Error ? cause.message : 'network error'}`,
        cause,
      );
    }
    if (!response.ok) throw fromErrorBody(parseJson(await response.text()), response.status);
    return response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  }

  /**
   * GET /v1/me/export: everything of yours as a tar archive (docs/export-format.md),
   * streamed; `rate_limited` when you exported recently.
   */
  exportMyData(): Promise<ReadableStream<Uint8Array>> {
    return this.stream('/v1/me/export');
  }

  /**
   * GET of a JSON-lines body, yielded line by line as it arrives (exports): nothing waits
   * for the whole body. A refusal is thrown as a ParleyError before the first line.
   */
  protected async *lines<T>(path: string, query: Record<string, string | undefined> = {}): AsyncGenerator<T> {
    const body = await this.stream(path, query);
    const decoder = new TextDecoder();
    let buffered = '';
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line !== '') yield JSON.parse(line) as T;
        newline = buffered.indexOf('\n');
      }
      if (done) break;
    }
    if (buffered.trim() !== '') yield JSON.parse(buffered) as T;
  }

  /** Sends one request; resolves with the JSON body (undefined for 204). */
  protected async call<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: options.text === true ? 'text/plain' : 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.raw !== undefined) headers['content-type'] = options.raw.type;
    if (options.auth !== false) {
      const token = this.options.getToken?.();
      if (token === undefined || token === '') throw new ParleyError('unauthenticated', 'no token: log in first');
      headers['authorization'] = `Bearer ${token}`;
    }
    const controller = new AbortController();
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: Response;
    let text: string;
    try {
      const init: RequestInit = { method, headers, signal: controller.signal };
      if (options.body !== undefined) init.body = JSON.stringify(options.body);
      if (options.raw !== undefined) init.body = options.raw.data as BodyInit;
      response = await this.fetchFn(url.toString(), init);
      text = await response.text();
    } catch (cause) {
      if (controller.signal.aborted) throw localError('timeout', `${method} ${path} timed out`, cause);
      throw localError(
        'network',
        `${method} ${path} failed: ${cause instanceof Error ? cause.message : 'network error'}`,
        cause,
      );
    } finally {
      clearTimeout(timer);
    }
    const body = parseJson(text);
    if (!response.ok) throw fromErrorBody(body, response.status);
    return (options.text === true ? text : body) as T;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
