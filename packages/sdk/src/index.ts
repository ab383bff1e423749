/**
 * @parley/sdk: the Parley client for browsers (and any runtime with a global
 * WebSocket and fetch). Browser-safe: nothing here imports Node modules or `ws`;
 * on Node 20 import `@parley/sdk/node` instead.
 *
 * @example
 * ```ts
 * import { ParleyClient } from '@parley/sdk';
 * const client = new ParleyClient({ baseUrl: location.origin });
 * ```
 */
export { ParleyClient } from './client';
export type { ClientEvents, ClientEventName, ClientState, FailedSend, ParleyClientOptions } from './client-types';
export {
  AccountApi,
  BlocksApi,
  ContactsApi,
  ConversationsApi,
  MessagesApi,
  PresenceApi,
  ReceiptsApi,
  SessionsApi,
  ThreadsApi,
  TypingApi,
  UsersApi,
} from './client-api';
export {
  applyQuoteDeletion,
  applyThreadReply,
  applyUpdate,
  expiredMessageIds,
  isUpdate,
  type ApplyOptions,
} from './apply-update';
export { CallsApi, type CallEvents } from './calls-api';
export { CallPeer, type CallPeerOptions, type CallPeerEvents } from './call-peer';
export { GroupCallsApi, type GroupCallEvents, type GroupCallChange } from './group-calls-api';
export { GroupCall, type GroupCallOptions, type GroupCallMediaEvents, type RemoteFeed } from './group-call';
export { SearchApi, type SearchPage, type SearchParams } from './search-api';
export { ChannelsApi, InvitesApi, ModerationApi, type Page } from './channels-api';
export { BotsApi, WebhooksApi } from './bots-api';
export { PushApi } from './push-api';
export { FocusTracker } from './focus';
export { CommandsApi, InteractionsApi, InteractionTracker } from './interactions-api';
export { ParleyError, type LocalFailure, type ParleyErrorOptions } from './errors';
export { HttpClient, type HttpClientOptions, type FetchFn } from './http';
export { AdminHttpClient, secondFactorChallenge, type MembersPage } from './admin-http';
export { parsePrometheusText, sumSamples, type MetricSample } from './prometheus-text';
export {
  FilesApi,
  uploadFile,
  type NodeReadableLike,
  type UploadData,
  type UploadOptions,
  type UploadedFile,
} from './files';
export type {
  AuthResponseBody,
  ContactResponseBody,
  ContactsResponseBody,
  ConversationResponseBody,
  ConversationsResponseBody,
  HistoryResponseBody,
  ConversationFilesResponseBody,
  PinsResponseBody,
  PresenceResponseBody,
  PrivacyResponseBody,
  ReactionUsersResponseBody,
  ThreadsResponseBody,
  FileLinkResponseBody,
  SendMessageResponseBody,
  MessageResponseBody,
  SessionsResponseBody,
  UserResponseBody,
  ServerInfoResponseBody,
  UsersResponseBody,
} from './http';
export {
  Connection,
  type AuthInfo,
  type ConnectionEvents,
  type ConnectionOptions,
  type ConnectionStatus,
  type StopReason,
} from './connection';
export { backoffCap, backoffDelay, resolveBackoff, type BackoffOptions, type ResolvedBackoff } from './backoff';
export { Timeline, type Gap } from './timeline';
export { Outbox, type OutboxEntry, type OutboxOptions, type SendAck } from './outbox';
export { applySyncResult, SyncRunner, type HistoryPage, type SyncResultData, type SyncRunnerDeps } from './sync';
export type { Unsubscribe } from './emitter';
export { newClientId, isValidId } from './ids';
export type { Timers, TimerHandle } from './timers';
export { webSocketUrl, type WebSocketConstructor, type WebSocketLike } from './websocket';
export type {
  Contact,
  Conversation,
  ConversationSummary,
  Member,
  Message,
  MessageContent,
  Mentions,
  ReactionSummary,
  LinkPreview,
  ReplyRef,
  ForwardRef,
  ThreadSummary,
  ThreadListing,
  UpdateContent,
  UpdateAction,
  Presence,
  PresenceStatus,
  PresenceVisibility,
  PrivacySettings,
  Role,
  Session,
  SettablePresence,
  User,
  Limits,
  ErrorCode,
  FileContent,
  FileKind,
  Call,
  CallContent,
  CallEndReason,
  CallMedia,
  CallSignal,
  CallState,
  CallStatus,
  IceServer,
  IceServersResult,
  SendableContent,
  FileVariant,
  ArgumentValue,
  BotCommand,
  ButtonComponent,
  ButtonStyle,
  CommandOption,
  CommandOptionType,
  Component,
  ConversationCommand,
  Interaction,
  InteractionResponseBody,
  InteractionStatus,
  InteractionUpdate,
  SelectComponent,
  SelectOption,
} from '@parley/protocol';
export {
  fileSummary,
  formatFileSize,
  checkText,
  checkName,
  fileExtension,
  isBlank,
  type TextCheck,
  type TextField,
  type RefusedCharacter,
} from '@parley/protocol';
