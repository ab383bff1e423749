/**
 * Slash commands and interactions (`client.commands`, `client.interactions`; docs/bots.md).
 * A user lists the commands offered in a conversation and invokes one, or clicks a
 * component of a bot's message; the promise settles with the bot's first answer as the
 * server reports it on the connection (`interaction.updated`): `answered` (with the
 * ephemeral reply, or the id of the bot's message), `deferred` ("thinking...": the final
 * answer comes later as an `interaction.updated` event), or `timed_out` ("The bot did not
 * respond."). A bot registers its commands and answers the `interaction` events it gets.
 */
import type {
  ArgumentValue,
  BotCommand,
  ConversationCommand,
  InteractionResponseBody,
  InteractionUpdate,
} from '@parley/protocol';
import type { ApiContext } from './client-api';
import { ParleyError } from './errors';
import type { Timers } from './timers';

/** Updates remembered for an invocation whose HTTP answer has not come back yet. */
const REMEMBERED = 200;
/** How long past the deadline to wait for the server's verdict before giving up (the server's deadline job may lag). */
const GRACE_MS = 15_000;

/** Tracks interaction updates so an invocation settles even when the update overtakes its HTTP answer. */
export class InteractionTracker {
  private readonly seen = new Map<string, InteractionUpdate>();
  private readonly waiters = new Map<string, ((update: InteractionUpdate) => void)[]>();

  /** Called by the client for every `interaction.updated` event. */
  handle(update: InteractionUpdate): void {
    this.seen.delete(update.interactionId);
    this.seen.set(update.interactionId, update);
    if (this.seen.size > REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
    const waiting = this.waiters.get(update.interactionId);
    this.waiters.delete(update.interactionId);
    waiting?.forEach((resolve) => resolve(update));
  }

  /** The next update of this interaction (or the one already seen). */
  wait(id: string, deadlineAt: number, timers: Timers): Promise<InteractionUpdate> {
    const known = this.seen.get(id);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = timers.setTimeout(
        () => {
          const list = this.waiters.get(id)?.filter((w) => w !== settle) ?? [];
          if (list.length > 0) this.waiters.set(id, list);
          else this.waiters.delete(id);
          reject(new ParleyError('unavailable', 'No answer about this interaction reached this client.'));
        },
        Math.max(0, deadlineAt - timers.now()) + GRACE_MS,
      );
      const settle = (update: InteractionUpdate) => {
        timers.clearTimeout(timer);
        resolve(update);
      };
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), settle]);
    });
  }
}

/** Slash commands: the ones offered in a conversation, invoking one, and a bot's own list. */
export class CommandsApi {
  constructor(
    private readonly ctx: ApiContext,
    private readonly tracker: InteractionTracker,
    private readonly timers: Timers,
  ) {}

  /** The commands offered here: the built-in ones, then those of the conversation's bots (what a composer offers after `/`). */
  async list(conversationId: string): Promise<ConversationCommand[]> {
    return (await this.ctx.http.conversationCommands(conversationId)).commands;
  }

  /**
   * Invokes a command; settles with the bot's first answer (connect first: the answer
   * arrives on the connection). Bad arguments reject at once (`invalid_argument`,
   * `unknown_command`, `ambiguous_command`).
   *
   * @example
   * ```ts
   * const update = await client.commands.invoke(conversationId, 'roll', { sides: 20 });
   * if (update.status === 'timed_out') show(update.error?.message);
   * else if (update.ephemeral) show(update.ephemeral.text);
   * ```
   */
  async invoke(
    conversationId: string,
    command: string,
    args: Record<string, ArgumentValue> = {},
    options: { botId?: string | undefined; threadId?: string | undefined } = {},
  ): Promise<InteractionUpdate> {
    const { interaction, update } = await this.ctx.http.invokeCommand(conversationId, {
      command,
      args,
      ...(options.botId === undefined ? {} : { botId: options.botId }),
      ...(options.threadId === undefined ? {} : { threadId: options.threadId }),
    });
    // A built-in command (`/me`, `/topic`, ...) is carried out before the HTTP answer, which says how.
    if (update) return update;
    return this.tracker.wait(interaction.id, interaction.deadlineAt, this.timers);
  }

  /** A bot's commands (for the bot itself or its owner). */
  async ofBot(botId: string): Promise<BotCommand[]> {
    return (await this.ctx.http.botCommands(botId)).commands;
  }

  /** Replaces a bot's commands (by the bot itself or its owner). */
  async set(botId: string, commands: BotCommand[]): Promise<BotCommand[]> {
    return (await this.ctx.http.setBotCommands(botId, commands)).commands;
  }
}

/** Clicking components, and a bot's answers to the interactions it receives. */
export class InteractionsApi {
  constructor(
    private readonly ctx: ApiContext,
    private readonly tracker: InteractionTracker,
    private readonly timers: Timers,
  ) {}

  /** Clicks a button (or picks `value` in a select menu) of a bot's message; settles like `commands.invoke`. */
  async click(messageId: string, componentId: string, value?: string): Promise<InteractionUpdate> {
    const { interaction } = await this.ctx.http.clickComponent(messageId, {
      componentId,
      ...(value === undefined ? {} : { value }),
    });
    return this.tracker.wait(interaction.id, interaction.deadlineAt, this.timers);
  }

  /**
   * For bots: answers an `interaction` event, once (after `deferred`, once more).
   *
   * @example
   * ```ts
   * bot.on('interaction', (i) => {
   *   if (i.command?.name === 'ping') void bot.interactions.respond(i.id, { type: 'ephemeral', text: 'pong' });
   * });
   * ```
   */
  async respond(interactionId: string, body: InteractionResponseBody): Promise<InteractionUpdate> {
    return (await this.ctx.http.respondToInteraction(interactionId, body)).update;
  }
}
