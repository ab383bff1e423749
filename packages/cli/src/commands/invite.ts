/** `parley invite create|accept`: invite links into channels and groups. */
import type { Command } from 'commander';
import { globalOptions, positiveInt, requireSession } from '../context';
import { countOf, printJson, printLine } from '../output';
import { parseDuration } from './moderation';

export function registerInviteCommands(program: Command): void {
  const invite = program.command('invite').description('Invite links');

  invite
    .command('create <conversationId>')
    .description('Create an invite code (owners and admins)')
    .option('--expires <duration>', 'valid for this long (e.g. 90s, 30m, 12h, 7d)', parseDuration)
    .option('--max-uses <n>', 'how many people may use it', positiveInt('--max-uses', 100_000))
    .action(async (conversationId: string, opts: { expires?: number; maxUses?: number }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { invite: created } = await session.http.createInvite(conversationId, {
        ...(opts.expires === undefined ? {} : { expiresInSeconds: opts.expires }),
        ...(opts.maxUses === undefined ? {} : { maxUses: opts.maxUses }),
      });
      if (json) return printJson({ invite: created });
      const limits = [
        created.expiresAt === null ? '' : `until ${new Date(created.expiresAt).toISOString()}`,
        created.maxUses === null ? '' : countOf(created.maxUses, 'use'),
      ].filter(Boolean);
      printLine(`${created.code}${limits.length > 0 ? ` (${limits.join(', ')})` : ''}`);
      printLine(`  accept it with: parley invite accept ${created.code}`);
    });

  invite
    .command('accept <code>')
    .description('Join the channel or group an invite code leads to')
    .action(async (code: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const { conversation } = await session.http.acceptInvite(code);
      if (json) return printJson({ conversation });
      printLine(`joined "${conversation.title ?? conversation.id}" (${conversation.id})`);
    });
}
