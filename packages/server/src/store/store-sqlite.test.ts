/**
 * Runs the Store contract on SQLite, with the connection on the event loop's
 * thread and on a worker thread: a temp directory per test file, one database
 * file per store, all removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createStore } from './create-store';
import { storeContract } from './store.contract';

const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
let files = 0;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

for (const thread of ['main', 'worker'] as const) {
  storeContract(`sqlite, ${thread} thread`, async () => {
    files += 1;
    // A missing parent directory is created by the store, so test that too.
    const store = await createStore({
      db: 'sqlite',
      sqlitePath: join(dir, `db${files}`, 'parley.db'),
      synchronous: 'normal',
      thread,
    });
    return { store, cleanup: () => store.close() };
  });
}
