/**
 * `parley store epoch [--rotate]`: the store's identity, which clients keep with
 * their cursors. After restoring a backup, rotating it makes every client start
 * over instead of trusting positions that now mean other entries. Administration on
 * the server's machine, like `parley user`.
 */
import type { Command } from 'commander';
import { globalOptions } from '../context';
import { printJson, printLine } from '../output';
import { withAdmin } from './user';

export function registerStoreCommands(program: Command): void {
  const store = program
    .command('store')
    .description("Administer the server's store on its machine (uses the PARLEY_* configuration of the server)");

  store
    .command('rotate-epoch')
    .description(
      'Give the store a new epoch after restoring a backup: every client then drops its cursors and resyncs, instead of skipping what now has their seqs',
    )
    .action(async (_opts: unknown, command: Command) => {
      const { json } = globalOptions(command);
      const epoch = await withAdmin((admin) => admin.services.sync.rotateEpoch());
      if (json) printJson({ epoch });
      else printLine(`new store epoch ${epoch}: clients will resync as new devices at their next connection`);
    });
}
