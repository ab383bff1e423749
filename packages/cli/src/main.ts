/** The `parley` command (see commands/ for each subcommand). */
import { Command } from 'commander';
import { runServer } from '@parley/server';

const program = new Command('parley').description('Run, administer and script a Parley server');

program
  .command('start')
  .description('Run the server (configuration from PARLEY_* environment variables)')
  .action(async () => {
    await runServer();
  });

await program.parseAsync(process.argv);
