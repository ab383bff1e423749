/**
 * `parley ban|mute|kick <conversationId> <@user>`: moderation from the command line
 * (moderators and above, of members they outrank).
 */
import type { Command } from 'commander';
import { globalOptions, requireSession } from '../context';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';
import { requireUserId } from './channel';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90`, `90s`, `30m`, `12h`, `7d` -> seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * (UNITS[match[2] || 's'] ?? 1) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 1) {
    throw new CliError(`not a duration: ${value}`, 'use a number with s, m, h or d, e.g. 30m or 7d');
  }
  return seconds;
}

export function registerModerationCommands(program: Command): void {
  program
    .command('ban <conversationId> <user>')
    .description('Ban @user (removing them if a member), until lifted or for --for')
    .option('--for <duration>', 'ban for this long (at least 60s), e.g. 1h or 7d', parseDuration)
    .option('--reason <text>', 'why (moderators see it)')
    .option('--lift', 'lift the ban instead')
    .action(
      async (
        conversationId: string,
        user: string,
        opts: { for?: number; reason?: string; lift?: boolean },
        command: Command,
      ) => {
        const { server, json } = globalOptions(command);
        const session = requireSession(server);
        const userId = await requireUserId(session, user);
        if (opts.lift) {
          await session.http.unban(conversationId, userId);
          return json ? printJson({ unbanned: userId }) : printLine(`lifted the ban of ${user}`);
        }
        await session.http.ban(conversationId, {
          userId,
          ...(opts.for === undefined ? {} : { durationSeconds: opts.for }),
          ...(opts.reason === undefined ? {} : { reason: opts.reason }),
        });
        if (json) return printJson({ banned: userId, durationSeconds: opts.for ?? null });
        printLine(`banned ${user}${opts.for === undefined ? ' until lifted' : ` for ${opts.for} s`}`);
      },
    );

  program
    .command('mute <conversationId> <user>')
    .description('Mute @user for --for (default 1h): they read but cannot post')
    .option('--for <duration>', 'mute for this long (at least 60s), e.g. 10m', parseDuration, 3600)
    .option('--lift', 'unmute instead')
    .action(async (conversationId: string, user: string, opts: { for: number; lift?: boolean }, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const userId = await requireUserId(session, user);
      if (opts.lift) {
        await session.http.unmute(conversationId, userId);
        return json ? printJson({ unmuted: userId }) : printLine(`unmuted ${user}`);
      }
      await session.http.mute(conversationId, { userId, durationSeconds: opts.for });
      if (json) return printJson({ muted: userId, durationSeconds: opts.for });
      printLine(`muted ${user} for ${opts.for} s`);
    });

  program
    .command('kick <conversationId> <user>')
    .description('Remove @user from the conversation (they may come back, unlike a ban)')
    .action(async (conversationId: string, user: string, _opts: unknown, command: Command) => {
      const { server, json } = globalOptions(command);
      const session = requireSession(server);
      const userId = await requireUserId(session, user);
      await session.http.removeMember(conversationId, userId);
      if (json) return printJson({ removed: userId });
      printLine(`removed ${user}`);
    });
}
