/**
 * Bot accounts (docs/bots.md): a user creates bots it owns; each bot is a user with
 * `bot: true`, no password, and tokens that its owner mints, lists and revokes. A bot
 * token is a session of the bot's user that does not expire, so a bot authenticates
 * on every way a person does (HTTP, WebSocket) and a revocation closes its
 * connections on every node (`session.revoked`, as for a person's device). Bots cannot
 * log in with a password (HTTP or XMPP). Membership, and so what a bot may read or
 * post, follows the same permission matrix as for people. The owner is the authority
 * over a bot: Parley has no server-wide administrator role yet.
 */
import {
  checkValue,
  MAX_BOTS_PER_OWNER,
  MAX_TOKENS_PER_BOT,
  Username,
  type Bot,
  type BotToken,
  type CreateBotBody,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { cleanName, cleanOptionalText } from '../domain/text';
import { topics } from '../ports/bus';
import type { SessionRecord, UserRecord } from '../ports/store';
import type { AuthContext } from './accounts';
import { normalizeUsername, toUser } from './accounts';
import type { ServiceDeps } from './deps';
import { hashToken, newToken } from './tokens';
import { BOT_TOKEN_EXPIRY } from './bot-tokens';

/** What a bot account stores as its password hash: no password ever matches it. */
export const NO_PASSWORD = '!bot';

export function toBot(record: UserRecord): Bot {
  return { user: toUser(record), ownerId: record.ownerId ?? '' };
}

function toBotToken(session: SessionRecord): BotToken {
  return {
    id: session.id,
    name: session.deviceName,
    createdAt: session.createdAt,
    lastUsedAt: session.lastSeenAt > session.createdAt ? session.lastSeenAt : null,
  };
}

export class BotService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Creates a bot owned by the caller. Bots cannot create bots. */
  async createBot(auth: AuthContext, input: CreateBotBody): Promise<Bot> {
    if (auth.user.bot === true) throw new AppError('forbidden', 'A bot cannot create bots.');
    const username = normalizeUsername(input.username);
    if (!checkValue(Username, username).ok) {
      throw new AppError('bad_request', 'A username has 2-32 characters: a-z, 0-9, "_", "." and "-".');
    }
    const owned = await this.deps.store.listBotsOwnedBy(auth.user.id);
    if (owned.length >= MAX_BOTS_PER_OWNER) {
      throw new AppError('limit_reached', `You own ${MAX_BOTS_PER_OWNER} bots already.`, {
        details: { limit: MAX_BOTS_PER_OWNER },
      });
    }
    const displayName =
      (input.displayName === undefined ? '' : cleanName('displayName', input.displayName)) || username;
    const now = this.deps.clock.now();
    const record = await this.deps.store.createUser({
      id: newId('u', now),
      username,
      displayName,
      passwordHash: NO_PASSWORD,
      createdAt: now,
      bot: true,
      ownerId: auth.user.id,
    });
    if (input.avatarUrl !== undefined) {
      const avatarUrl = cleanOptionalText('avatarUrl', input.avatarUrl);
      const updated = await this.deps.store.updateProfile(record.id, { avatarUrl });
      if (updated) return toBot(updated);
    }
    return toBot(record);
  }

  async listBots(auth: AuthContext): Promise<Bot[]> {
    return (await this.deps.store.listBotsOwnedBy(auth.user.id)).map(toBot);
  }

  /**
   * The bot, when the caller owns it (or, with `selfAllowed`, is it). Anyone else is
   * told `not_found`, so bot ids of others cannot be probed.
   */
  async manageable(auth: AuthContext, botId: string, selfAllowed = false): Promise<UserRecord> {
    const bot = await this.deps.store.getUser(botId);
    const allowed = bot?.bot === true && (bot.ownerId === auth.user.id || (selfAllowed && bot.id === auth.user.id));
    if (!bot || !allowed) throw new AppError('not_found', 'No such bot of yours.');
    return bot;
  }

  async getBot(auth: AuthContext, botId: string): Promise<Bot> {
    return toBot(await this.manageable(auth, botId, true));
  }

  /** A new token for the bot (owner only): the secret is in this answer and nowhere else. */
  async createToken(auth: AuthContext, botId: string, name: string): Promise<{ token: string; info: BotToken }> {
    const bot = await this.manageable(auth, botId);
    const tokens = await this.deps.store.listSessions(bot.id);
    if (tokens.length >= MAX_TOKENS_PER_BOT) {
      throw new AppError('limit_reached', `A bot has at most ${MAX_TOKENS_PER_BOT} tokens: revoke one first.`, {
        details: { limit: MAX_TOKENS_PER_BOT },
      });
    }
    const now = this.deps.clock.now();
    const token = newToken();
    const session = await this.deps.store.createSession({
      id: newId('s', now),
      userId: bot.id,
      tokenHash: hashToken(token),
      deviceName: cleanName('deviceName', name) || 'token',
      createdAt: now,
      lastSeenAt: now,
      expiresAt: BOT_TOKEN_EXPIRY,
    });
    return { token, info: toBotToken(session) };
  }

  async listTokens(auth: AuthContext, botId: string): Promise<BotToken[]> {
    const bot = await this.manageable(auth, botId);
    return (await this.deps.store.listSessions(bot.id)).map(toBotToken);
  }

  /** Revokes a token: refused from then on, and the bot's connections with it close on every node. */
  async revokeToken(auth: AuthContext, botId: string, tokenId: string): Promise<void> {
    const bot = await this.manageable(auth, botId);
    const session = await this.deps.store.getSession(tokenId);
    if (!session || session.userId !== bot.id) throw new AppError('not_found', 'No such token of this bot.');
    await this.deps.store.transaction(async (tx) => {
      await tx.deleteSession(tokenId);
      await tx.emit(topics.device(tokenId), { v: 1, type: 'session.revoked', userId: bot.id, sessionId: tokenId });
    });
  }
}
