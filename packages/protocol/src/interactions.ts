/**
 * Slash commands and interactive messages (docs/bots.md, ADR 0018). A bot registers
 * commands with typed options; a member invokes one in a conversation where the bot is a
 * member, and the server checks the arguments and sends the bot an **interaction**. A bot's
 * message may carry **components** (buttons, one select menu); a click is an interaction
 * too. The bot answers each interaction once, before its deadline, with a message to
 * everyone, an ephemeral reply that only the user sees, a deferred "thinking..." that it
 * completes later, or (for a click) an update of the clicked message.
 */
import { Type, type Static } from 'typebox';
import { ConversationId, MessageId, UserId } from './ids';
import { Timestamp, User } from './models';
import { ComponentId, Components } from './components';

/** Most commands one bot registers. */
export const MAX_COMMANDS_PER_BOT = 50;
/** Most options (arguments) of one command. */
export const MAX_COMMAND_OPTIONS = 10;
/** Most choices of a `choice` option. */
export const MAX_CHOICES = 25;
/** Most characters of a string argument. */
export const MAX_ARGUMENT_LENGTH = 1000;
/** Most characters of an ephemeral reply (the same as a message's text limit is checked as well). */
export const MAX_EPHEMERAL_LENGTH = 4000;

const Name = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', description: '1-32 of a-z, 0-9, "_" and "-"' });
const Description = Type.String({ minLength: 1, maxLength: 100 });
const InteractionId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

export const CommandName = Name;
export const CommandOptionType = Type.Union([
  Type.Literal('string'),
  Type.Literal('number'),
  Type.Literal('user'),
  Type.Literal('choice'),
]);
export type CommandOptionType = Static<typeof CommandOptionType>;

/**
 * One argument of a command. `user`: a username (with or without `@`) or a user id, sent to
 * the bot as the user id. `choice`: one of `choices`.
 */
export const CommandOption = Type.Object(
  {
    name: Name,
    description: Description,
    type: CommandOptionType,
    required: Type.Optional(Type.Boolean({ description: 'Default false' })),
    choices: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: MAX_CHOICES }),
    ),
  },
  { additionalProperties: false },
);
export type CommandOption = Static<typeof CommandOption>;

export const BotCommand = Type.Object(
  {
    name: Name,
    description: Description,
    options: Type.Array(CommandOption, { maxItems: MAX_COMMAND_OPTIONS }),
  },
  { additionalProperties: false },
);
export type BotCommand = Static<typeof BotCommand>;

/** PUT /v1/bots/:botId/commands: replaces the bot's whole list (by the bot or its owner). */
export const SetBotCommandsBody = Type.Object(
  { commands: Type.Array(BotCommand, { maxItems: MAX_COMMANDS_PER_BOT }) },
  { additionalProperties: false },
);
export type SetBotCommandsBody = Static<typeof SetBotCommandsBody>;
export const BotCommandsResponse = Type.Object({ commands: Type.Array(BotCommand) });
export type BotCommandsResponse = Static<typeof BotCommandsResponse>;

/**
 * A command offered in a conversation: a bot's, with the bot's id and username, or a
 * built-in one (`builtin: true`: `/me`, `/shrug`, `/topic`, `/invite`, `/mute`, `/leave`,
 * and `/summarize` when the AI assistant is on), which the server carries out itself. A
 * built-in has no bot, except `/summarize`, which names the assistant that answers it.
 */
export const ConversationCommand = Type.Object({
  name: Name,
  description: Description,
  options: Type.Array(CommandOption),
  /** The bot that answers (absent for a built-in the server answers alone). */
  botId: Type.Optional(UserId),
  botUsername: Type.Optional(Type.String()),
  /** Carried out by the server; invoked without `botId`, it wins over a bot's command of the same name. */
  builtin: Type.Optional(Type.Literal(true)),
});
export type ConversationCommand = Static<typeof ConversationCommand>;
export const ConversationCommandsResponse = Type.Object({ commands: Type.Array(ConversationCommand) });
export type ConversationCommandsResponse = Static<typeof ConversationCommandsResponse>;

export const ArgumentValue = Type.Union([Type.String({ maxLength: MAX_ARGUMENT_LENGTH }), Type.Number()]);
export type ArgumentValue = Static<typeof ArgumentValue>;

/** POST /v1/conversations/:id/commands: invoke a command. */
export const InvokeCommandBody = Type.Object(
  {
    command: Name,
    /**
     * Needed only when two bots of the conversation have a command of this name; without it
     * a built-in command of that name is the one invoked.
     */
    botId: Type.Optional(UserId),
    /** Invoked from a thread: built-ins that post (`/me`, `/shrug`, `/summarize`) answer in it. */
    threadId: Type.Optional(MessageId),
    args: Type.Optional(Type.Record(Type.String({ maxLength: 32 }), ArgumentValue)),
  },
  { additionalProperties: false },
);
export type InvokeCommandBody = Static<typeof InvokeCommandBody>;

/** POST /v1/messages/:messageId/interactions: a click on a component of a bot's message. */
export const ClickComponentBody = Type.Object(
  {
    componentId: ComponentId,
    /** For a select menu: the chosen option's value. */
    value: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type ClickComponentBody = Static<typeof ClickComponentBody>;

// ---- interactions -----------------------------------------------------------

/** What the bot receives (event `interaction.new`, or the webhook event `interaction.created`). */
export const Interaction = Type.Object({
  id: InteractionId,
  kind: Type.Union([Type.Literal('command'), Type.Literal('component')]),
  botId: UserId,
  /** Who invoked or clicked. */
  user: User,
  conversationId: ConversationId,
  /** The clicked message (component interactions). */
  messageId: Type.Optional(MessageId),
  /** The command and its checked arguments (`user` arguments as user ids, numbers as numbers). */
  command: Type.Optional(
    Type.Object({ name: Name, args: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])) }),
  ),
  /** The clicked component, and the chosen value of a select menu. */
  component: Type.Optional(Type.Object({ id: ComponentId, value: Type.Optional(Type.String()) })),
  /** The bot answers before this (PARLEY_INTERACTION_TIMEOUT_MS after the invocation). */
  deadlineAt: Timestamp,
  createdAt: Timestamp,
});
export type Interaction = Static<typeof Interaction>;

export const InteractionStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('deferred'),
  Type.Literal('answered'),
  Type.Literal('timed_out'),
]);
export type InteractionStatus = Static<typeof InteractionStatus>;

/** An ephemeral reply: shown only to the user who invoked or clicked, never in history. */
export const EphemeralReply = Type.Object({
  text: Type.String({ minLength: 1, maxLength: MAX_EPHEMERAL_LENGTH }),
});
export type EphemeralReply = Static<typeof EphemeralReply>;

/**
 * POST /v1/interactions/:id/response, by the bot, once (a `deferred` answer once more):
 * `message`: a message to the conversation, as the bot; `ephemeral`: a reply to the user
 * alone; `deferred`: "thinking..." now, the real answer within PARLEY_INTERACTION_DEFER_MS;
 * `update` (clicks only): new text and/or components of the clicked message.
 */
export const InteractionResponseBody = Type.Union([
  Type.Object(
    {
      type: Type.Literal('message'),
      text: Type.String({ minLength: 1 }),
      components: Type.Optional(Components),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('ephemeral'), text: Type.String({ minLength: 1, maxLength: MAX_EPHEMERAL_LENGTH }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('deferred') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('update'),
      text: Type.Optional(Type.String({ minLength: 1 })),
      components: Type.Optional(Components),
    },
    { additionalProperties: false },
  ),
]);
export type InteractionResponseBody = Static<typeof InteractionResponseBody>;

/** What the invoking user's devices learn (event `interaction.updated`). */
export const InteractionUpdate = Type.Object({
  interactionId: InteractionId,
  conversationId: ConversationId,
  /** The bot (absent for a built-in command, which the server answers itself). */
  botId: Type.Optional(UserId),
  status: InteractionStatus,
  /** `answered` with an ephemeral reply. */
  ephemeral: Type.Optional(EphemeralReply),
  /** `answered` with a message (or an update of the clicked one): its id. */
  messageId: Type.Optional(MessageId),
  /** `timed_out`: why, to show ("The bot did not respond."). */
  error: Type.Optional(Type.Object({ code: Type.Literal('bot_did_not_respond'), message: Type.String() })),
});
export type InteractionUpdate = Static<typeof InteractionUpdate>;

/**
 * The answer of an invocation or a click: the interaction's id and deadline (202). A
 * built-in command is carried out before the answer (200), which then carries its outcome
 * in `update` (no `interaction.updated` event follows).
 */
export const InteractionCreatedResponse = Type.Object({
  interaction: Type.Object({ id: InteractionId, deadlineAt: Timestamp }),
  update: Type.Optional(InteractionUpdate),
});
export type InteractionCreatedResponse = Static<typeof InteractionCreatedResponse>;
export const InteractionParams = Type.Object({ interactionId: InteractionId });
