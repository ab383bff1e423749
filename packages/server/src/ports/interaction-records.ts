/**
 * Slash commands and interactions as the store keeps them (0025, ADR 0018): each bot's
 * registered commands, and each interaction with its deadline, status and the ephemeral
 * reply meant for its user alone.
 */
import type { BotCommand, Interaction, InteractionStatus } from '@parley/protocol';

export interface InteractionRecord {
  id: string;
  kind: 'command' | 'component';
  botId: string;
  userId: string;
  conversationId: string;
  messageId: string | null;
  /** What the bot is sent, minus the user (read fresh): the command or the component. */
  data: Pick<Interaction, 'command' | 'component'>;
  status: InteractionStatus;
  deadlineAt: number;
  /** After this the bot can no longer answer; pruned later. */
  expiresAt: number;
  reply: { text: string } | null;
  createdAt: number;
}

export interface InteractionRecords {
  /** Replaces the bot's whole command list. */
  setBotCommands(botId: string, commands: readonly BotCommand[], at: number): Promise<void>;
  listBotCommands(botId: string): Promise<BotCommand[]>;
  /** The commands of these bots, with the bot each belongs to. */
  listCommandsOfBots(botIds: readonly string[]): Promise<{ botId: string; command: BotCommand }[]>;
  /** The bots that are members of the conversation. */
  listBotMembers(conversationId: string): Promise<{ id: string; username: string }[]>;
  createInteraction(record: InteractionRecord): Promise<void>;
  getInteraction(id: string): Promise<InteractionRecord | undefined>;
  /**
   * Moves an interaction from `from` to `to` (with the reply, and a new expiry when given);
   * false when it was not in `from` any more (answered twice, timed out meanwhile).
   */
  transitionInteraction(
    id: string,
    from: readonly InteractionStatus[],
    to: InteractionStatus,
    patch: { reply?: { text: string }; expiresAt?: number },
  ): Promise<boolean>;
  /** Deletes interactions that expired before `before` (at most `limit`); how many went. */
  pruneInteractions(before: number, limit: number): Promise<number>;
}
