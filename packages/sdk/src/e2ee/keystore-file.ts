/**
 * A {@link KeyStore} in a folder of files for Node (bots, the CLI, tests): one file per key,
 * written with mode 0600 in a folder of mode 0700, replaced atomically (write to a temporary
 * file, then rename), so a crash never leaves half a secret. Exported from `@parley/sdk/node`
 * only: the browser entry never imports Node modules.
 */
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyStore } from './keystore';

/** File names are the keys in hex: any key is a safe name, and listing needs no escaping rules. */
const toName = (key: string) => Buffer.from(key, 'utf8').toString('hex');
const fromName = (name: string) => Buffer.from(name, 'hex').toString('utf8');

export class FileKeyStore implements KeyStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly dir: string) {}

  private ensureDir(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await chmod(this.dir, 0o700);
    })();
    return this.ready;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    await this.ensureDir();
    try {
      return new Uint8Array(await readFile(path.join(this.dir, toName(key))));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    await this.ensureDir();
    const file = path.join(this.dir, toName(key));
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, value, { mode: 0o600 });
    await rename(temp, file);
  }

  async delete(key: string): Promise<void> {
    await this.ensureDir();
    await rm(path.join(this.dir, toName(key)), { force: true });
  }

  async keys(prefix: string): Promise<string[]> {
    await this.ensureDir();
    const names = await readdir(this.dir);
    return names
      .filter((n) => /^[0-9a-f]*$/.test(n))
      .map(fromName)
      .filter((k) => k.startsWith(prefix));
  }
}
