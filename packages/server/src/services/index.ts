/**
 * Builds every service over the same ports. Gateways receive this object and call
 * nothing else: a rule enforced here holds for every way in.
 */
import { AccountService } from './accounts';
import { RetentionService, type RetentionOptions } from './retention';
import { AdminService } from './admin';
import { AdminConsoleService } from './admin-console';
import { ServerInviteService } from './server-invites';
import { ServerSettingsService } from './server-settings';
import { TwoFactorService } from './two-factor';
import { SsoService, type SsoOptions } from './sso';
import { AudienceChanges } from './audience-changes';
import { CallService, type CallOptions } from './calls';
import { GroupCallService, type GroupCallOptions } from './group-calls';
import { BotService } from './bots';
import { AssistantService, type AssistantOptions } from './assistant';
import { BuiltinCommands } from './builtin-commands';
import { IncomingWebhookService } from './incoming-webhooks';
import { InteractionService, defaultInteractionOptions, type InteractionOptions } from './interactions';
import { WebhookDeliveryHandler, type WebhookDeliveryOptions } from './webhook-delivery';
import { WebhookService } from './webhooks';
import { PresendHookService } from './presend-hooks';
import { defaultPresendOptions, PresendReview, type PresendOptions } from './presend-review';
import { PushService, type PushOptions } from './push';
import { PushDeliveryHandler, type PushDeliveryOptions } from './push-delivery';
import { PushPreferencesService } from './push-preferences';
import { VapidKeys, type VapidKeyPair } from './push-keys';
import type { OutboundHttp } from '../ports/outbound-http';
import { ContactService } from './contacts';
import { ConversationService } from './conversations';
import { ConversationLifecycle } from './conversation-lifecycle';
import { ConversationPurgeHandler } from './conversation-purge';
import { AccountErasureHandler } from './account-erasure';
import { UserExportService } from './user-export';
import type { ServiceDeps } from './deps';
import { E2eeService } from './e2ee';
import { FileService, type FileDeps } from './files';
import { disabledLinkPreviews, LinkPreviewService, type LinkPreviewOptions } from './link-previews';
import { MessageChangeService } from './message-changes';
import { MessageService } from './messages';
import { ModerationService } from './moderation';
import type { PresenceRegistry } from '../ports/presence';
import { PresenceService } from './presence';
import { PrivacyService } from './privacy';
import { ReceiptService } from './receipts';
import { SearchService } from './search';
import { SyncService } from './sync';
import { ThreadService } from './threads';
import { FavouriteService } from './favourites';
import { ConversationFileService } from './conversation-files';
import { UserDirectoryService } from './user-directory';

export interface Services {
  accounts: AccountService;
  admin: AdminService;
  adminConsole: AdminConsoleService;
  retention: RetentionService;
  userExport: UserExportService;
  twoFactor: TwoFactorService;
  /** Single sign-on (OpenID Connect); answers `sso_failed` (not_configured) when it is off. */
  sso: SsoService;
  contacts: ContactService;
  conversations: ConversationService;
  /** Archive, unarchive and delete groups and channels (ADR 0020). */
  lifecycle: ConversationLifecycle;
  /** The job handler that erases deleted conversations (main.ts registers it with the job runner). */
  conversationPurge: ConversationPurgeHandler;
  accountErasure: AccountErasureHandler;
  messages: MessageService;
  messageChanges: MessageChangeService;
  threads: ThreadService;
  /** Your favourite conversations, in your order, on every device (ADR 0024). */
  favourites: FavouriteService;
  conversationFiles: ConversationFileService;
  moderation: ModerationService;
  receipts: ReceiptService;
  presence: PresenceService;
  privacy: PrivacyService;
  search: SearchService;
  sync: SyncService;
  files: FileService;
  directory: UserDirectoryService;
  e2ee: E2eeService;
  calls: CallService;
  /** Group calls through the SFU (ADR 0029); main.ts stops it (its devices leave their calls). */
  groupCalls: GroupCallService;
  bots: BotService;
  webhooks: WebhookService;
  incomingWebhooks: IncomingWebhookService;
  /** Slash commands and interactions; also the job handler of their deadlines. */
  interactions: InteractionService;
  /** The job handler that sends webhook deliveries (main.ts registers it with the job runner). */
  webhookDelivery: WebhookDeliveryHandler;
  push: PushService;
  /** Quiet hours, device focus, the decision record and the test push. */
  pushPreferences: PushPreferencesService;
  /** The job handler that sends pushes (main.ts registers it with the job runner). */
  pushDelivery: PushDeliveryHandler;
  /** Link previews: a durable consumer and a job handler (main.ts registers both). */
  linkPreviews: LinkPreviewService;
  /** The AI assistant: a durable consumer and a job handler (main.ts registers both and starts it). */
  assistant: AssistantService;
  /** Pre-send hooks as configured (admins reach them through `admin`). */
  presendHooks: PresendHookService;
  /** Runs new messages past the pre-send hooks (MessageService calls it). */
  presendReview: PresendReview;
}

/** Pre-send hooks (ADR 0030): their own keep-alive outbound client and their limits. */
export interface PresendDeps {
  outbound: OutboundHttp & { checkHost?(host: string): Promise<unknown> };
  options: PresendOptions;
}

/** Web Push settings (PARLEY_VAPID_*, PARLEY_PUSH_*). */
export interface PushDeps extends PushOptions {
  vapid: VapidKeyPair | null;
  vapidSubject: string;
  delivery: PushDeliveryOptions;
}

export const defaultPushDeps: PushDeps = {
  vapid: null,
  vapidSubject: 'mailto:postmaster@localhost',
  content: 'full',
  ttlSeconds: 86_400,
  focusTtlMs: 60_000,
  delivery: { timeoutMs: 10_000, retry: { baseMs: 30_000, maxDelayMs: 600_000, maxAttempts: 6, jitter: 0.2 } },
};

/** Calls without configuration: default ring and reconnect windows, no TURN. */
export const defaultCallOptions: CallOptions = {
  ringMs: 45_000,
  reconnectMs: 30_000,
  turn: { turnUrls: [], secret: null, ttlSeconds: 3600, stunUrls: [], relayOnly: false },
};

/** Group calls without configuration: no SFU (unavailable, `not_configured`). */
export const noGroupCalls: GroupCallOptions = { sfu: null, maxParticipants: 50 };

/** What bots and webhooks need beyond the common ports. */
export interface BotDeps {
  /** Outgoing HTTP that refuses internal addresses (net/safe-fetch.ts). */
  outbound: OutboundHttp & { checkHost?(host: string): Promise<unknown> };
  delivery: WebhookDeliveryOptions;
}

/** For the admin commands and tests that send no webhook: every outgoing request is refused. */
export const noOutbound: BotDeps = {
  outbound: {
    send: () => Promise.reject(new Error('no outgoing HTTP in this process')),
  },
  delivery: { timeoutMs: 1000, retry: { baseMs: 1000, maxDelayMs: 1000, maxAttempts: 1, jitter: 0 } },
};

/** Retention for tests and the admin commands: keep forever until an admin sets a policy. */
export const defaultRetentionOptions: RetentionOptions = {
  defaultDays: 0,
  allowLongerDefault: false,
  batchSize: 50,
  leaseMs: 60_000,
  holder: 'node',
};

export function createServices(
  deps: ServiceDeps,
  fileDeps: FileDeps,
  registry: PresenceRegistry,
  callOptions: CallOptions = defaultCallOptions,
  botDeps: BotDeps = noOutbound,
  pushDeps: PushDeps = defaultPushDeps,
  previewOptions: LinkPreviewOptions = disabledLinkPreviews,
  /** Outgoing HTTP for previews (its own User-Agent); the bots' client by default. */
  previewOutbound: OutboundHttp = botDeps.outbound,
  interactionOptions: InteractionOptions = defaultInteractionOptions,
  retentionOptions: RetentionOptions = defaultRetentionOptions,
  sso: SsoOptions | null = null,
  /** The AI assistant; null: off (no account is created). */
  assistantOptions: AssistantOptions | null = null,
  groupCallOptions: GroupCallOptions = noGroupCalls,
  presendDeps: PresendDeps = { outbound: noOutbound.outbound, options: defaultPresendOptions },
): Services {
  const settings = new ServerSettingsService(deps);
  const twoFactor = new TwoFactorService(deps);
  const serverInvites = new ServerInviteService(deps);
  const accounts = new AccountService(deps, settings, twoFactor, serverInvites);
  const presence = new PresenceService(deps, registry);
  const audience = new AudienceChanges(deps, presence);
  const contacts = new ContactService(deps, audience);
  const conversations = new ConversationService(deps, contacts, audience);
  const files = new FileService(deps, fileDeps);
  const e2ee = new E2eeService(deps, conversations);
  const presendReview = new PresendReview(deps, presendDeps.outbound, presendDeps.options);
  const presendHooks = new PresendHookService(deps, presendDeps.outbound, presendReview);
  const messages = new MessageService(deps, conversations, contacts, files, audience, e2ee, presendReview);
  const bots = new BotService(deps);
  const vapid = new VapidKeys(deps, pushDeps.vapid, pushDeps.vapidSubject);
  const push = new PushService(deps, vapid, botDeps.outbound.checkHost?.bind(botDeps.outbound), pushDeps);
  const messageChanges = new MessageChangeService(deps, conversations, messages, files);
  const webhooks = new WebhookService(deps, bots, botDeps.outbound);
  const lifecycle = new ConversationLifecycle(deps, conversations);
  const retention = new RetentionService(deps, conversations, files, retentionOptions);
  const assistant = new AssistantService(deps, messages, messageChanges, assistantOptions);
  const purgeOptions = { batchRows: deps.limits.purgeBatchRows, batchesPerRun: deps.limits.purgeBatchesPerRun };
  return {
    accounts,
    admin: new AdminService(deps, accounts, settings, twoFactor, lifecycle, retention, presendHooks),
    adminConsole: new AdminConsoleService(deps, conversations, lifecycle, serverInvites),
    retention,
    userExport: new UserExportService(deps, files),
    twoFactor,
    sso: new SsoService(deps, accounts, sso),
    contacts,
    conversations,
    lifecycle,
    conversationPurge: new ConversationPurgeHandler(deps, files, purgeOptions),
    // Batches the size of retention's: each message erased costs what an expired one does (ADR 0019).
    accountErasure: new AccountErasureHandler(deps, files, { ...purgeOptions, batchRows: retentionOptions.batchSize }),
    messages,
    messageChanges,
    threads: new ThreadService(deps, conversations),
    favourites: new FavouriteService(deps, conversations),
    conversationFiles: new ConversationFileService(deps, conversations),
    moderation: new ModerationService(deps, conversations),
    receipts: new ReceiptService(deps, conversations, messages, (tx, userId, sessionId, conversationId, seq) =>
      push.clearElsewhere(tx, userId, sessionId, conversationId, seq),
    ),
    presence,
    privacy: new PrivacyService(deps, audience),
    search: new SearchService(deps, conversations),
    sync: new SyncService(deps),
    files,
    directory: new UserDirectoryService(deps),
    e2ee,
    calls: new CallService(deps, messages, registry, callOptions),
    groupCalls: new GroupCallService(deps, conversations, messages, groupCallOptions),
    bots,
    webhooks,
    interactions: new InteractionService(
      deps,
      bots,
      conversations,
      messages,
      messageChanges,
      webhooks,
      new BuiltinCommands(deps, conversations, messages, assistant),
      interactionOptions,
    ),
    incomingWebhooks: new IncomingWebhookService(deps, bots, messages),
    webhookDelivery: new WebhookDeliveryHandler(deps, botDeps.outbound, botDeps.delivery),
    push,
    pushPreferences: new PushPreferencesService(deps, conversations, pushDeps),
    pushDelivery: new PushDeliveryHandler(deps, vapid, botDeps.outbound, pushDeps.delivery),
    linkPreviews: new LinkPreviewService(deps, {
      outbound: previewOutbound,
      blobs: fileDeps.blobs,
      options: previewOptions,
    }),
    assistant,
    presendHooks,
    presendReview,
  };
}

export type { AuthContext } from './accounts';
export type { ServiceDeps, ServiceLimits } from './deps';
export type { ClientOrigin } from './rate-limits';
export type { FileDeps, FileLimits, Download } from './files';
export type { CallOptions } from './calls';
export type { GroupCallOptions } from './group-calls';
export type { LinkPreviewOptions } from './link-previews';
export type { InteractionOptions } from './interactions';
export type { AssistantOptions } from './assistant';
export type { RetentionOptions } from './retention';
export type { PresendOptions, PresendOutcome } from './presend-review';
export { RETENTION_ACTOR } from './retention';
export type { SsoOptions } from './sso';
export { parseEmailDomains } from './sso';
export { urlList } from './turn';
export { FileLinkSigner } from './file-links';
