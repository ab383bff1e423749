/**
 * The `parley` command: global options and the wiring of every subcommand (each
 * lives in commands/). Expected failures become one message and exit code 1.
 */
import { Command, CommanderError } from 'commander';
import { registerAdminCommands } from './commands/admin';
import { registerAuditCommands } from './commands/audit';
import { registerAuthCommands } from './commands/auth';
import { registerBotCommands, registerWebhookCommands } from './commands/bot';
import { registerChannelCommands } from './commands/channel';
import { registerContactCommands } from './commands/contacts';
import { registerConversationsCommand } from './commands/conversations';
import { registerGroupCommands } from './commands/group';
import { registerHistoryCommand } from './commands/history';
import { registerInviteCommands } from './commands/invite';
import { registerMessageChangeCommands } from './commands/message-changes';
import { registerModerationCommands } from './commands/moderation';
import { registerPrivacyCommands } from './commands/privacy';
import { registerExportCommands } from './commands/export';
import { registerSearchCommand } from './commands/search';
import { registerSendCommand } from './commands/send';
import { registerStartCommand } from './commands/start';
import { registerStoreCommands } from './commands/store';
import { registerTailCommand } from './commands/tail';
import { registerTwoFactorCommands } from './commands/two-factor';
import { registerUserCommands } from './commands/user';
import { DEFAULT_SERVER } from './context';
import { reportError } from './errors';

const program = new Command('parley')
  .description('Run, administer and script a Parley server')
  .option('--server <url>', `server to talk to (default: PARLEY_SERVER, else ${DEFAULT_SERVER})`)
  .option('--json', 'print JSON for scripts (send, history, conversations, user list...)')
  .showHelpAfterError()
  .exitOverride();

registerStartCommand(program);
registerUserCommands(program);
registerStoreCommands(program);
registerAuthCommands(program);
registerSendCommand(program);
registerMessageChangeCommands(program);
registerHistoryCommand(program);
registerSearchCommand(program);
registerTailCommand(program);
registerConversationsCommand(program);
registerGroupCommands(program);
registerChannelCommands(program);
registerInviteCommands(program);
registerModerationCommands(program);
registerPrivacyCommands(program);
registerExportCommands(program);
registerContactCommands(program);
registerAdminCommands(program);
registerAuditCommands(program);
registerTwoFactorCommands(program);
registerBotCommands(program);
registerWebhookCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander already printed the usage problem (or the help, which exits 0).
    process.exitCode = error.exitCode;
  } else {
    const opts = program.opts<{ server?: string }>();
    process.exitCode = reportError(error, opts.server ?? process.env['PARLEY_SERVER'] ?? DEFAULT_SERVER);
  }
}
