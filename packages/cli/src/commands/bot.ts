/**
 * `parley bot create|list`, `parley bot token create|list|revoke` and `parley bot commands ...`
 * (bot-commands.ts): bots you own, their tokens and slash commands (docs/bots.md). A token is printed once, when it is created; the server
 * keeps only its hash. A bot is named by its id or its @username.
 */
import type { Bot, WebhookEventType } from '@parley/protocol';
import { WEBHOOK_EVENT_TYPES } from '@parley/protocol';
import type { Command } from 'commander';
import { globalOptions, positiveInt, requireSession, usernameOf, type Session } from '../context';
import { CliError } from '../errors';
import { formatTime, printJson, printLine } from '../output';
import { registerBotCommandCommands } from './bot-commands';

/** One of your bots, by id or @username. */
export async function requireBot(session: Session, target: string): Promise<Bot> {
  const { bots } = await session.http.listBots();
  const username = usernameOf(target) ?? target.toLowerCase();
  const bot = bots.find((b) => b.user.id === target || b.user.username === username);
  if (!bot) throw new CliError(`you own no bot ${target}`, 'list yours with `parley bot list`', 'not_found');
  return bot;
}

export function registerBotCommands(program: Command): void {
  const bot = program.command('bot').description('Bots you own: create them and manage their tokens');

  bot
    .command('create <username>')
    .description('Create a bot owned by you (it logs in with tokens only: `parley bot token create`)')
    .option('--name <displayName>', 'the name people see')
    .option('--avatar <url>', 'an http(s) picture URL')
    .action(async (username: string, opts: { name?: string; avatar?: string }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { bot: created } = await session.http.createBot({
        username: usernameOf(username) ?? username,
        ...(opts.name === undefined ? {} : { displayName: opts.name }),
        ...(opts.avatar === undefined ? {} : { avatarUrl: opts.avatar }),
      });
      if (json) return printJson({ bot: created });
      printLine(`created bot @${created.user.username} (${created.user.id})`);
      printLine(`  give it a token with: parley bot token create @${created.user.username}`);
    });

  bot
    .command('list')
    .description('List the bots you own')
    .action(async (_opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const { bots } = await requireSession(server).http.listBots();
      if (json) return printJson({ bots });
      if (bots.length === 0) return printLine('(no bots)');
      for (const b of bots) printLine(`${b.user.id}  @${b.user.username}  ${b.user.displayName}`);
    });

  registerBotCommandCommands(bot);

  const token = bot.command('token').description("A bot's tokens: create (shown once), list, revoke");

  token
    .command('create <bot>')
    .description('Create a token for the bot and print it (this is the only time it is shown)')
    .option('--name <name>', 'what the token is for', 'cli')
    .action(async (target: string, opts: { name: string }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const b = await requireBot(session, target);
      const created = await session.http.createBotToken(b.user.id, opts.name);
      if (json) return printJson(created);
      printLine(created.token);
      process.stderr.write(
        `token ${created.info.id} ("${created.info.name}") for @${b.user.username}: keep it, it is not shown again\n`,
      );
    });

  token
    .command('list <bot>')
    .description("List the bot's tokens (id, name, created, last used; never the secret)")
    .action(async (target: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { tokens } = await session.http.listBotTokens((await requireBot(session, target)).user.id);
      if (json) return printJson({ tokens });
      if (tokens.length === 0) return printLine('(no tokens)');
      for (const t of tokens) {
        const used = t.lastUsedAt === null ? 'never used' : `last used ${formatTime(t.lastUsedAt)}`;
        printLine(`${t.id}  ${t.name}  created ${formatTime(t.createdAt)}, ${used}`);
      }
    });

  token
    .command('revoke <bot> <tokenId>')
    .description('Revoke a token: refused from now on, and connections using it close')
    .action(async (target: string, tokenId: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      await session.http.revokeBotToken((await requireBot(session, target)).user.id, tokenId);
      if (json) return printJson({ revoked: tokenId });
      printLine(`revoked ${tokenId}`);
    });
}

function eventList(value: string): WebhookEventType[] {
  const types = value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = types.filter((t) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(t));
  if (types.length === 0 || unknown.length > 0) {
    throw new CliError(
      `unknown event type ${unknown.join(', ') || '(none)'}`,
      `use some of: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
    );
  }
  return types as WebhookEventType[];
}

export function registerWebhookCommands(program: Command): void {
  const webhook = program
    .command('webhook')
    .description("Your bots' webhooks: outgoing subscriptions, their deliveries and attempts, incoming URLs");

  webhook
    .command('create <bot> <url>')
    .description("Subscribe a URL to events of the bot's conversations; prints the signing secret once")
    .option('--events <types>', `comma-separated: ${WEBHOOK_EVENT_TYPES.join(', ')}`, 'message.created')
    .option('--conversation <id...>', 'only these conversations (default: every one the bot is in)')
    .action(
      async (target: string, url: string, opts: { events: string; conversation?: string[] }, command: Command) => {
        const { server, json } = globalOptions(command);
        const session = requireSession(server);
        const b = await requireBot(session, target);
        const created = await session.http.createWebhook({
          botId: b.user.id,
          url,
          eventTypes: eventList(opts.events),
          ...(opts.conversation ? { conversationIds: opts.conversation } : {}),
        });
        if (json) return printJson(created);
        printLine(`created webhook ${created.subscription.id} -> ${created.subscription.url}`);
        printLine(`signing secret (shown once): ${created.secret}`);
      },
    );

  webhook
    .command('list <bot>')
    .description("List the bot's webhooks")
    .action(async (target: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { subscriptions } = await session.http.listWebhooks((await requireBot(session, target)).user.id);
      if (json) return printJson({ subscriptions });
      if (subscriptions.length === 0) return printLine('(no webhooks)');
      for (const s of subscriptions) {
        const state = s.enabled ? 'enabled' : `disabled: ${s.disabledReason ?? ''}`;
        printLine(`${s.id}  ${s.url}  [${s.eventTypes.join(', ')}]  ${state}`);
      }
    });

  webhook
    .command('deliveries <webhookId>')
    .description('The newest deliveries of a webhook, with their status')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const { deliveries } = await requireSession(server).http.webhookDeliveries(id);
      if (json) return printJson({ deliveries });
      if (deliveries.length === 0) return printLine('(no deliveries)');
      for (const d of deliveries) printLine(`${d.id}  ${d.eventType}  ${d.status}  ${d.attempts} attempt(s)`);
    });

  webhook
    .command('attempts <webhookId>')
    .description('Every attempt of a webhook (or of one delivery), oldest first')
    .option('--delivery <id>', 'only this delivery')
    .option('--limit <n>', 'how many (at most 500)', positiveInt('--limit', 500), 100)
    .action(async (id: string, opts: { delivery?: string; limit: number }, command: Command) => {
      const { server, json } = globalOptions(command);
      const { attempts } = await requireSession(server).http.webhookAttempts(id, {
        limit: opts.limit,
        ...(opts.delivery ? { deliveryId: opts.delivery } : {}),
      });
      if (json) return printJson({ attempts });
      if (attempts.length === 0) return printLine('(no attempts)');
      for (const a of attempts) {
        const result = a.statusCode === null ? (a.error ?? 'failed') : `HTTP ${a.statusCode}`;
        printLine(`${a.deliveryId} #${a.attempt}  ${formatTime(a.startedAt)}  ${result}  ${a.durationMs} ms`);
      }
    });

  webhook
    .command('redeliver <webhookId> <deliveryId>')
    .description('Send a delivery again (same webhook-id and body)')
    .action(async (id: string, deliveryId: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const { delivery } = await requireSession(server).http.redeliverWebhook(id, deliveryId);
      if (json) return printJson({ delivery });
      printLine(`redelivering ${delivery.id}`);
    });

  webhook
    .command('delete <webhookId>')
    .description('Delete a webhook with its deliveries and attempts')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      await requireSession(server).http.deleteWebhook(id);
      if (json) return printJson({ deleted: id });
      printLine(`deleted ${id}`);
    });

  webhook
    .command('incoming <bot> <conversationId>')
    .description('Create a secret URL that posts into the conversation as the bot; prints it once')
    .option('--name <name>', 'what it is for', 'incoming')
    .action(async (target: string, conversationId: string, opts: { name: string }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const b = await requireBot(session, target);
      const created = await session.http.createIncomingWebhook({ botId: b.user.id, conversationId, name: opts.name });
      if (json) return printJson({ ...created, url: `${server}${created.url}` });
      printLine(`${server}${created.url}`);
      process.stderr.write(`incoming webhook ${created.incoming.id}: keep the URL secret, it is not shown again\n`);
    });
}
