/**
 * Slash commands and interactions (docs/bots.md, ADR 0018). A bot (or its owner) registers
 * its commands; a member sees the commands of the conversation's bots and invokes one; a
 * member clicks a component of a bot's message. Each invocation or click is checked here
 * (the permission matrix: `post` to invoke, `react` to click; the arguments; the component
 * exists) and becomes an interaction, written with its events in one transaction: the bot
 * hears `interaction.new` on its connections, its webhooks subscribed to
 * `interaction.created` get a signed delivery, and a job of the durable queue waits for the
 * deadline. The bot answers once (`respond`): a message, an ephemeral reply (to the user's
 * devices only, kept on the interaction row, never in history), "thinking..." (deferred)
 * or an update of the clicked message. A bot that does not answer in time leaves the user
 * with `timed_out` and "The bot did not respond.".
 */
import type {
  BotCommand,
  ClickComponentBody,
  ConversationCommand,
  Interaction,
  InteractionResponseBody,
  InteractionStatus,
  InteractionUpdate,
  InvokeCommandBody,
} from '@parley/protocol';
import { checkArguments, commandProblem } from '../domain/components';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { topics } from '../ports/bus';
import type { InteractionRecord } from '../ports/interaction-records';
import type { JobHandler, JobOutcome, JobRecord } from '../ports/jobs';
import type { Store } from '../ports/store';
import { normalizeUsername, toUser, type AuthContext } from './accounts';
import type { BotService } from './bots';
import type { BuiltinCommands } from './builtin-commands';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import type { MessageChangeService } from './message-changes';
import type { MessageService } from './messages';
import type { WebhookService } from './webhooks';

export const INTERACTION_DEADLINE_JOB = 'interaction.deadline';

export interface InteractionOptions {
  /** The bot answers within this (PARLEY_INTERACTION_TIMEOUT_MS). */
  timeoutMs: number;
  /** A deferred answer is completed within this (PARLEY_INTERACTION_DEFER_MS). */
  deferMs: number;
}

export const defaultInteractionOptions: InteractionOptions = { timeoutMs: 3000, deferMs: 15 * 60_000 };

interface DeadlinePayload {
  interactionId: string;
  /** The status the deadline closes: `pending` (no answer) or `deferred` (never completed). */
  status: 'pending' | 'deferred';
}

const DID_NOT_RESPOND = { code: 'bot_did_not_respond', message: 'The bot did not respond.' } as const;

/** Interactions are kept this long after their last deadline (for a late answer's clear error). */
const KEEP_AFTER_MS = 24 * 3_600_000;

export class InteractionService implements JobHandler {
  readonly kind = INTERACTION_DEADLINE_JOB;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly bots: BotService,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
    private readonly changes: MessageChangeService,
    private readonly webhooks: WebhookService,
    private readonly builtins: BuiltinCommands,
    private readonly options: InteractionOptions = defaultInteractionOptions,
  ) {}

  // ---- commands ----------------------------------------------------------------

  /** Replaces the bot's commands (the bot itself or its owner). */
  async setCommands(auth: AuthContext, botId: string, commands: readonly BotCommand[]): Promise<BotCommand[]> {
    const bot = await this.bots.manageable(auth, botId, true);
    const names = new Set(commands.map((c) => c.name));
    if (names.size !== commands.length) throw new AppError('bad_request', 'Command names must be unique.');
    for (const command of commands) {
      const problem = commandProblem(command);
      if (problem) throw new AppError('bad_request', problem);
    }
    await this.deps.store.setBotCommands(bot.id, commands, this.deps.clock.now());
    return this.deps.store.listBotCommands(bot.id);
  }

  async listCommands(auth: AuthContext, botId: string): Promise<BotCommand[]> {
    const bot = await this.bots.manageable(auth, botId, true);
    return this.deps.store.listBotCommands(bot.id);
  }

  /** The commands a member may invoke here: the built-in ones, then those of the bots that are members. */
  async conversationCommands(auth: AuthContext, conversationId: string): Promise<ConversationCommand[]> {
    await this.conversations.authorize(auth, conversationId, 'read', {}, { members: false });
    const bots = await this.deps.store.listBotMembers(conversationId);
    const names = new Map(bots.map((b) => [b.id, b.username]));
    const entries = await this.deps.store.listCommandsOfBots(bots.map((b) => b.id));
    return [
      ...this.builtins.list(),
      ...entries.map(({ botId, command }) => ({ ...command, botId, botUsername: names.get(botId) ?? '' })),
    ];
  }

  /**
   * A built-in command (without `botId`) is carried out at once and its outcome returned in
   * `update`; any other sends the interaction to its bot, which answers later.
   */
  async invoke(
    auth: AuthContext,
    conversationId: string,
    body: InvokeCommandBody,
  ): Promise<{ id: string; deadlineAt: number; update?: InteractionUpdate }> {
    const builtin = this.builtins.find(body.command);
    // Without a bot named, or naming the built-in's own (the assistant's /summarize).
    if (builtin && (body.botId === undefined || body.botId === builtin.botId)) {
      // Each built-in is authorized by the service it calls (leaving and muting need no `post`).
      await this.conversations.authorize(auth, conversationId, 'read', {}, { members: false });
      const args = await this.checkedArgs(builtin, body);
      const update = await this.builtins.run(auth, conversationId, builtin.name, args, body.threadId);
      return { id: update.interactionId, deadlineAt: this.deps.clock.now(), update };
    }
    await this.messages.checkMayPost(auth, conversationId);
    const offered = (await this.conversationCommands(auth, conversationId)).filter(
      (c) => c.builtin !== true && c.name === body.command && (body.botId === undefined || c.botId === body.botId),
    );
    const [command, ...others] = offered;
    if (command?.botId === undefined) {
      throw new AppError('unknown_command', `No bot here has the command /${body.command}.`, {
        details: { command: body.command },
      });
    }
    if (others.length > 0) {
      throw new AppError('ambiguous_command', `Several bots here have /${body.command}: choose one.`, {
        details: { botIds: offered.map((c) => c.botId) },
      });
    }
    const args = await this.checkedArgs(command, body);
    const interaction = await this.create(auth, command.botId, conversationId, null, 'command', {
      command: { name: command.name, args },
    });
    return { id: interaction.id, deadlineAt: interaction.deadlineAt };
  }

  /** The arguments checked against the command's options, `user` ones as user ids. */
  private async checkedArgs(
    command: ConversationCommand,
    body: InvokeCommandBody,
  ): Promise<Record<string, string | number>> {
    const checked = checkArguments(command, body.args ?? {});
    if (!checked.ok) {
      throw new AppError(
        'invalid_argument',
        `/${command.name}: "${checked.option}" is ${checked.reason.replace(/_/g, ' ')}.`,
        {
          details: { option: checked.option, reason: checked.reason },
        },
      );
    }
    const args = checked.args;
    for (const name of checked.users) {
      const raw = String(args[name]);
      const user = raw.startsWith('u_')
        ? await this.deps.store.getUser(raw)
        : await this.deps.store.getUserByUsername(normalizeUsername(raw));
      if (!user) {
        throw new AppError('invalid_argument', `/${command.name}: no user "${raw}".`, {
          details: { option: name, reason: 'unknown_user' },
        });
      }
      args[name] = user.id;
    }
    return args;
  }

  // ---- components --------------------------------------------------------------

  /** A click on a component of a bot's message: the component must exist and be enabled. */
  async click(auth: AuthContext, messageId: string, body: ClickComponentBody): Promise<Interaction> {
    const message = await this.deps.store.getMessage(messageId);
    if (!message) throw new AppError('not_found', 'No such message.');
    await this.conversations.authorize(auth, message.conversationId, 'react', {}, { members: false });
    const content = message.content;
    const component = content.type === 'text' ? content.components?.find((c) => c.id === body.componentId) : undefined;
    if (!component) throw new AppError('unknown_component', 'This message has no such button or menu.');
    if (component.type === 'button' && (component.disabled === true || body.value !== undefined)) {
      throw new AppError(
        'unknown_component',
        component.disabled === true ? 'This button is disabled.' : 'A button has no value.',
      );
    }
    if (component.type === 'select' && !component.options.some((o) => o.value === body.value)) {
      throw new AppError('unknown_component', 'This menu has no such option.');
    }
    // The sender is a bot (only bots send components) and must still be a member to hear it.
    if (!(await this.deps.store.getMember(message.conversationId, message.senderId))) {
      throw new AppError('unknown_component', 'The bot of this message is no longer here.');
    }
    return this.create(auth, message.senderId, message.conversationId, message.id, 'component', {
      component: { id: component.id, ...(body.value === undefined ? {} : { value: body.value }) },
    });
  }

  private async create(
    auth: AuthContext,
    botId: string,
    conversationId: string,
    messageId: string | null,
    kind: 'command' | 'component',
    data: InteractionRecord['data'],
  ): Promise<Interaction> {
    const decision = await this.deps.rates.take('interaction', auth.user.id);
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'Too many commands and clicks: wait and retry.', {
        details: { retryAfterMs: decision.retryAfterMs },
      });
    }
    const now = this.deps.clock.now();
    const record: InteractionRecord = {
      id: newId('i', now),
      kind,
      botId,
      userId: auth.user.id,
      conversationId,
      messageId,
      data,
      status: 'pending',
      deadlineAt: now + this.options.timeoutMs,
      expiresAt: now + this.options.timeoutMs + KEEP_AFTER_MS,
      reply: null,
      createdAt: now,
    };
    const interaction: Interaction = {
      id: record.id,
      kind,
      botId,
      user: toUser(auth.user),
      conversationId,
      ...(messageId === null ? {} : { messageId }),
      ...data,
      deadlineAt: record.deadlineAt,
      createdAt: now,
    };
    await this.deps.store.transaction(async (tx) => {
      await tx.createInteraction(record);
      await tx.emit(topics.user(botId), { v: 1, type: 'interaction.new', interaction });
      await this.webhooks.enqueueInteraction(tx, interaction);
      await this.deadline(tx, record.id, 'pending', record.deadlineAt);
    });
    return interaction;
  }

  private async deadline(
    tx: Store,
    interactionId: string,
    status: DeadlinePayload['status'],
    at: number,
  ): Promise<void> {
    const payload: DeadlinePayload = { interactionId, status };
    await tx.enqueueJob({ id: newId('j', at), kind: INTERACTION_DEADLINE_JOB, payload, dueAt: at, createdAt: at });
  }

  // ---- the bot's answer ----------------------------------------------------------

  /** The bot answers its interaction (once; a deferred one once more). */
  async respond(auth: AuthContext, interactionId: string, body: InteractionResponseBody): Promise<InteractionUpdate> {
    const record = await this.deps.store.getInteraction(interactionId);
    if (!record || record.botId !== auth.user.id) throw new AppError('not_found', 'No such interaction of yours.');
    const now = this.deps.clock.now();
    const open: InteractionStatus[] = [];
    if (record.status === 'pending' && now <= record.deadlineAt) open.push('pending');
    if (record.status === 'deferred' && now <= record.expiresAt) open.push('deferred');
    if (open.length === 0) {
      throw new AppError('interaction_closed', 'This interaction is closed: answered already, or too late.', {
        details: { status: record.status === 'pending' ? 'timed_out' : record.status },
      });
    }
    const base = { interactionId: record.id, conversationId: record.conversationId, botId: record.botId };
    switch (body.type) {
      case 'deferred': {
        if (record.status !== 'pending')
          throw new AppError('interaction_closed', 'Deferred already.', { details: { status: record.status } });
        const expiresAt = now + this.options.deferMs;
        const update: InteractionUpdate = { ...base, status: 'deferred' };
        await this.close(record, open, 'deferred', update, { expiresAt }, (tx) =>
          this.deadline(tx, record.id, 'deferred', expiresAt),
        );
        return update;
      }
      case 'ephemeral': {
        const text = this.messages.checkText(body.text);
        const update: InteractionUpdate = { ...base, status: 'answered', ephemeral: { text } };
        await this.close(record, open, 'answered', update, { reply: { text } });
        return update;
      }
      case 'message': {
        // The message is the bot's like any other (every rule of sending applies); its client
        // id is the interaction's, so a repeated answer cannot post twice.
        const sent = await this.messages.send(auth, {
          conversationId: record.conversationId,
          clientId: `ix-${record.id}`,
          content: { type: 'text', text: body.text, ...(body.components ? { components: body.components } : {}) },
        });
        const update: InteractionUpdate = { ...base, status: 'answered', messageId: sent.message.id };
        await this.close(record, open, 'answered', update, {});
        return update;
      }
      case 'update': {
        if (record.kind !== 'component' || record.messageId === null) {
          throw new AppError('invalid_operation', 'Only a click is answered with an update of its message.');
        }
        await this.changes.updateBotMessage(auth, record.messageId, {
          ...(body.text === undefined ? {} : { text: body.text }),
          ...(body.components === undefined ? {} : { components: body.components }),
        });
        const update: InteractionUpdate = { ...base, status: 'answered', messageId: record.messageId };
        await this.close(record, open, 'answered', update, {});
        return update;
      }
    }
  }

  /** Moves the interaction on and tells the user, in one transaction; refused when it closed meanwhile. */
  private async close(
    record: InteractionRecord,
    from: InteractionStatus[],
    to: InteractionStatus,
    update: InteractionUpdate,
    patch: { reply?: { text: string }; expiresAt?: number },
    more?: (tx: Store) => Promise<void>,
  ): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.transitionInteraction(record.id, from, to, patch))) {
        throw new AppError('interaction_closed', 'This interaction is closed: answered already, or too late.', {
          details: { status: 'closed' },
        });
      }
      await tx.emit(topics.user(record.userId), { v: 1, type: 'interaction.updated', update });
      await more?.(tx);
    });
  }

  // ---- the deadline (a job of the durable queue) ----------------------------------

  async run(job: JobRecord): Promise<JobOutcome> {
    const { interactionId, status } = job.payload as DeadlinePayload;
    const record = await this.deps.store.getInteraction(interactionId);
    if (!record || record.status !== status) return { done: true };
    const update: InteractionUpdate = {
      interactionId,
      conversationId: record.conversationId,
      botId: record.botId,
      status: 'timed_out',
      error: DID_NOT_RESPOND,
    };
    await this.deps.store.transaction(async (tx) => {
      if (await tx.transitionInteraction(interactionId, [status], 'timed_out', {})) {
        await tx.emit(topics.user(record.userId), { v: 1, type: 'interaction.updated', update });
      }
    });
    return { done: true };
  }

  /** Forgets interactions long past their deadlines, in bounded batches. */
  async prune(): Promise<number> {
    return this.deps.store.pruneInteractions(this.deps.clock.now(), 500);
  }
}
