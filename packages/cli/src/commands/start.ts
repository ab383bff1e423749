/** `parley start`: runs the server until SIGTERM or SIGINT (configuration from PARLEY_*). */
import type { Command } from 'commander';
import { runServer } from '@parley/server';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run the server (configuration from PARLEY_* environment variables)')
    .action(async () => {
      await runServer();
    });
}
