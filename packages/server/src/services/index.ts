/**
 * Builds every service over the same ports. Gateways receive this object and call
 * nothing else: a rule enforced here holds for every way in.
 */
import { AccountService } from './accounts';
import { AdminService } from './admin';
import { ServerSettingsService } from './server-settings';
import { TwoFactorService } from './two-factor';
import { SsoService, type SsoOptions } from './sso';
import { AudienceChanges } from './audience-changes';
import { CallService, type CallOptions } from './calls';
import { BotService } from './bots';
import { IncomingWebhookService } from './incoming-webhooks';
import { WebhookDeliveryHandler, type WebhookDeliveryOptions } from './webhook-delivery';
import { WebhookService } from './webhooks';
import type { OutboundHttp } from '../ports/outbound-http';
import { ContactService } from './contacts';
import { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import { E2eeService } from './e2ee';
import { FileService, type FileDeps } from './files';
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
import { UserDirectoryService } from './user-directory';

export interface Services {
  accounts: AccountService;
  admin: AdminService;
  twoFactor: TwoFactorService;
  /** Single sign-on (OpenID Connect); answers `sso_failed` (not_configured) when it is off. */
  sso: SsoService;
  contacts: ContactService;
  conversations: ConversationService;
  messages: MessageService;
  messageChanges: MessageChangeService;
  threads: ThreadService;
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
  bots: BotService;
  webhooks: WebhookService;
  incomingWebhooks: IncomingWebhookService;
  /** The job handler that sends webhook deliveries (main.ts registers it with the job runner). */
  webhookDelivery: WebhookDeliveryHandler;
}

/** Calls without configuration: default ring and reconnect windows, no TURN. */
export const defaultCallOptions: CallOptions = {
  ringMs: 45_000,
  reconnectMs: 30_000,
  turn: { turnUrls: [], secret: null, ttlSeconds: 3600, stunUrls: [], relayOnly: false },
};

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

export function createServices(
  deps: ServiceDeps,
  fileDeps: FileDeps,
  registry: PresenceRegistry,
  callOptions: CallOptions = defaultCallOptions,
  botDeps: BotDeps = noOutbound,
  sso: SsoOptions | null = null,
): Services {
  const settings = new ServerSettingsService(deps);
  const twoFactor = new TwoFactorService(deps);
  const accounts = new AccountService(deps, settings, twoFactor);
  const presence = new PresenceService(deps, registry);
  const audience = new AudienceChanges(deps, presence);
  const contacts = new ContactService(deps, audience);
  const conversations = new ConversationService(deps, contacts, audience);
  const files = new FileService(deps, fileDeps);
  const e2ee = new E2eeService(deps, conversations);
  const messages = new MessageService(deps, conversations, contacts, files, audience, e2ee);
  const bots = new BotService(deps);
  return {
    accounts,
    admin: new AdminService(deps, accounts, settings, twoFactor),
    twoFactor,
    sso: new SsoService(deps, accounts, sso),
    contacts,
    conversations,
    messages,
    messageChanges: new MessageChangeService(deps, conversations, messages, files),
    threads: new ThreadService(deps, conversations),
    moderation: new ModerationService(deps, conversations),
    receipts: new ReceiptService(deps, conversations, messages),
    presence,
    privacy: new PrivacyService(deps, audience),
    search: new SearchService(deps, conversations),
    sync: new SyncService(deps),
    files,
    directory: new UserDirectoryService(deps),
    e2ee,
    calls: new CallService(deps, messages, registry, callOptions),
    bots,
    webhooks: new WebhookService(deps, bots, botDeps.outbound),
    incomingWebhooks: new IncomingWebhookService(deps, bots, messages),
    webhookDelivery: new WebhookDeliveryHandler(deps, botDeps.outbound, botDeps.delivery),
  };
}

export type { AuthContext } from './accounts';
export type { ServiceDeps, ServiceLimits } from './deps';
export type { ClientOrigin } from './rate-limits';
export type { FileDeps, FileLimits, Download } from './files';
export type { CallOptions } from './calls';
export type { SsoOptions } from './sso';
export { parseEmailDomains } from './sso';
export { urlList } from './turn';
export { FileLinkSigner } from './file-links';
