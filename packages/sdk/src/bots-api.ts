/**
 * Bots and webhooks (`client.bots`, `client.webhooks`): thin typed calls over HTTP
 * (docs/bots.md). A bot itself is an ordinary client: create a `ParleyClient` with
 * the bot's token and `connect()`; it receives the messages of the conversations it
 * is a member of and sends like anyone. Secrets (a token, a signing secret, an
 * incoming webhook URL) are returned once, by the call that creates them.
 */
import type {
  Bot,
  BotToken,
  CreateBotBody,
  CreateWebhookBody,
  IncomingWebhook,
  WebhookAttempt,
  WebhookDelivery,
  WebhookSubscription,
} from '@parley/protocol';
import type { ApiContext } from './client-api';

/** Bots you own and their tokens. */
export class BotsApi {
  constructor(private readonly ctx: ApiContext) {}

  /**
   * Creates a bot owned by you.
   *
   * @example
   * ```ts
   * const bot = await client.bots.create({ username: 'deploybot', displayName: 'Deploys' });
   * const { token } = await client.bots.createToken(bot.user.id, 'production');
   * ```
   */
  async create(input: CreateBotBody): Promise<Bot> {
    return (await this.ctx.http.createBot(input)).bot;
  }
  async list(): Promise<Bot[]> {
    return (await this.ctx.http.listBots()).bots;
  }
  async get(botId: string): Promise<Bot> {
    return (await this.ctx.http.getBot(botId)).bot;
  }
  /** A new token: `token` is the secret, shown this once (the server keeps only its hash). */
  createToken(botId: string, name: string): Promise<{ token: string; info: BotToken }> {
    return this.ctx.http.createBotToken(botId, name);
  }
  async tokens(botId: string): Promise<BotToken[]> {
    return (await this.ctx.http.listBotTokens(botId)).tokens;
  }
  /** Revokes a token: refused from now on, and the bot's connections with it close. */
  revokeToken(botId: string, tokenId: string): Promise<void> {
    return this.ctx.http.revokeBotToken(botId, tokenId);
  }
}

/** Outgoing webhooks (event subscriptions) and incoming webhooks of a bot. */
export class WebhooksApi {
  constructor(private readonly ctx: ApiContext) {}

  /**
   * Subscribes a URL to events of the bot's conversations. `secret` (`whsec_...`) signs
   * every delivery (Standard Webhooks): keep it, it is never shown again.
   */
  create(input: CreateWebhookBody): Promise<{ subscription: WebhookSubscription; secret: string }> {
    return this.ctx.http.createWebhook(input);
  }
  async list(botId: string): Promise<WebhookSubscription[]> {
    return (await this.ctx.http.listWebhooks(botId)).subscriptions;
  }
  delete(webhookId: string): Promise<void> {
    return this.ctx.http.deleteWebhook(webhookId);
  }
  /** The newest deliveries (100), with their status. */
  async deliveries(webhookId: string): Promise<WebhookDelivery[]> {
    return (await this.ctx.http.webhookDeliveries(webhookId)).deliveries;
  }
  /** Every attempt, oldest first (status, duration, the start of the answer). */
  async attempts(webhookId: string, options: { deliveryId?: string; limit?: number } = {}): Promise<WebhookAttempt[]> {
    return (await this.ctx.http.webhookAttempts(webhookId, options)).attempts;
  }
  /** Sends a delivery again (same webhook-id and body), with a new retry schedule. */
  async redeliver(webhookId: string, deliveryId: string): Promise<WebhookDelivery> {
    return (await this.ctx.http.redeliverWebhook(webhookId, deliveryId)).delivery;
  }
  /** A secret URL (a path on this server) that posts into one conversation as the bot. */
  createIncoming(input: {
    botId: string;
    conversationId: string;
    name: string;
  }): Promise<{ incoming: IncomingWebhook; url: string }> {
    return this.ctx.http.createIncomingWebhook(input);
  }
  async listIncoming(botId: string): Promise<IncomingWebhook[]> {
    return (await this.ctx.http.listIncomingWebhooks(botId)).incoming;
  }
  deleteIncoming(incomingId: string): Promise<void> {
    return this.ctx.http.deleteIncomingWebhook(incomingId);
  }
}
