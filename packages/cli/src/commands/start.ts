/** `parley start`: runs the server until SIGTERM or SIGINT (configuration from PARLEY_*). */
import type { Command } from 'commander';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run the server (configuration from PARLEY_* environment variables)')
    .action(async () => {
      const { runServer } = await import('@parley/server');
      await runServer();
    });
}
