/**
 * Incoming webhooks (docs/bots.md): a secret URL that posts into one conversation as a
 * bot. Its owner (or the bot) creates it for a conversation the bot is a member of;
 * the secret is in that answer only and stored as its SHA-256. A post is a message of
 * the bot through MessageService.send, so every rule of sending holds (membership,
 * post policy, bans, mutes, slow mode, size, text rules), counted per webhook against
 * PARLEY_RATE_INCOMING_WEBHOOK_PER_MIN on every node.
 */
import {
  MAX_INCOMING_WEBHOOKS_PER_BOT,
  type CreateIncomingWebhookBody,
  type IncomingWebhook,
  type IncomingWebhookPost,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { cleanName } from '../domain/text';
import type { IncomingWebhookRecord } from '../ports/webhook-records';
import type { AuthContext } from './accounts';
import type { BotService } from './bots';
import type { ServiceDeps } from './deps';
import type { MessageService } from './messages';
import { hashToken, newToken } from './tokens';

function toIncoming(record: IncomingWebhookRecord): IncomingWebhook {
  return {
    id: record.id,
    botId: record.botId,
    conversationId: record.conversationId,
    name: record.name,
    createdAt: record.createdAt,
  };
}

export class IncomingWebhookService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly bots: BotService,
    private readonly messages: MessageService,
  ) {}

  async create(
    auth: AuthContext,
    input: CreateIncomingWebhookBody,
  ): Promise<{ incoming: IncomingWebhook; url: string }> {
    const bot = await this.bots.manageable(auth, input.botId, true);
    if (!(await this.deps.store.getMember(input.conversationId, bot.id))) {
      throw new AppError('not_member', 'The bot is not a member of this conversation: add it first.');
    }
    if ((await this.deps.store.listIncomingWebhooks(bot.id)).length >= MAX_INCOMING_WEBHOOKS_PER_BOT) {
      throw new AppError('limit_reached', `A bot has at most ${MAX_INCOMING_WEBHOOKS_PER_BOT} incoming webhooks.`, {
        details: { limit: MAX_INCOMING_WEBHOOKS_PER_BOT },
      });
    }
    const now = this.deps.clock.now();
    const secret = newToken();
    const record: IncomingWebhookRecord = {
      id: newId('ih', now),
      botId: bot.id,
      conversationId: input.conversationId,
      tokenHash: hashToken(secret),
      name: cleanName('title', input.name) || 'incoming webhook',
      createdBy: auth.user.id,
      createdAt: now,
    };
    await this.deps.store.createIncomingWebhook(record);
    return { incoming: toIncoming(record), url: `/v1/hooks/incoming/${secret}` };
  }

  async list(auth: AuthContext, botId: string): Promise<IncomingWebhook[]> {
    const bot = await this.bots.manageable(auth, botId, true);
    return (await this.deps.store.listIncomingWebhooks(bot.id)).map(toIncoming);
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const record = await this.deps.store.getIncomingWebhook(id);
    const allowed =
      record &&
      (await this.bots.manageable(auth, record.botId, true).then(
        () => true,
        () => false,
      ));
    if (!record || !allowed) throw new AppError('not_found', 'No such incoming webhook.');
    await this.deps.store.deleteIncomingWebhook(id);
  }

  /**
   * Posts as the bot. An unknown secret is `not_found` (never which part was wrong);
   * past the webhook's budget `rate_limited` with `retryAfterMs`.
   */
  async post(secret: string, body: IncomingWebhookPost): Promise<{ messageId: string; seq: number }> {
    const record = await this.deps.store.getIncomingWebhookByTokenHash(hashToken(secret));
    if (!record) throw new AppError('not_found', 'No such incoming webhook (it may have been deleted).');
    const decision = await this.deps.rates.take('incomingWebhook', record.id);
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'Too many posts to this webhook: wait and retry.', {
        details: { retryAfterMs: decision.retryAfterMs },
      });
    }
    const bot = await this.deps.store.getUser(record.botId);
    if (!bot) throw new AppError('not_found', 'The bot of this webhook no longer exists.');
    const now = this.deps.clock.now();
    // No device behind it: a session of its own, named after the webhook, that nothing stores.
    const auth: AuthContext = {
      user: bot,
      session: {
        id: `s_hook_${record.id}`.slice(0, 64),
        userId: bot.id,
        tokenHash: '',
        deviceName: record.name,
        createdAt: record.createdAt,
        lastSeenAt: now,
        expiresAt: now,
      },
    };
    const result = await this.messages.send(auth, {
      conversationId: record.conversationId,
      clientId: body.idempotencyKey ?? newId('k', now),
      content: { type: 'text', text: body.text },
    });
    return { messageId: result.message.id, seq: result.message.seq };
  }
}
