/**
 * Builds every service over the same ports. Gateways receive this object and call
 * nothing else: a rule enforced here holds for every way in.
 */
import { AccountService } from './accounts';
import { AudienceChanges } from './audience-changes';
import { BotService } from './bots';
import { IncomingWebhookService } from './incoming-webhooks';
import { WebhookDeliveryHandler, type WebhookDeliveryOptions } from './webhook-delivery';
import { WebhookService } from './webhooks';
import type { OutboundHttp } from '../ports/outbound-http';
import { ContactService } from './contacts';
import { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
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

export interface Services {
  accounts: AccountService;
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
  bots: BotService;
  webhooks: WebhookService;
  incomingWebhooks: IncomingWebhookService;
  /** The job handler that sends webhook deliveries (main.ts registers it with the job runner). */
  webhookDelivery: WebhookDeliveryHandler;
}

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
  botDeps: BotDeps = noOutbound,
): Services {
  const accounts = new AccountService(deps);
  const presence = new PresenceService(deps, registry);
  const audience = new AudienceChanges(deps, presence);
  const contacts = new ContactService(deps, audience);
  const conversations = new ConversationService(deps, contacts, audience);
  const files = new FileService(deps, fileDeps);
  const messages = new MessageService(deps, conversations, contacts, files, audience);
  const bots = new BotService(deps);
  return {
    accounts,
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
export { FileLinkSigner } from './file-links';
