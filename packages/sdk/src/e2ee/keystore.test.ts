import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryKeyStore, type KeyStore } from './keystore';
import { FileKeyStore } from './keystore-file';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function fileStore(): { store: FileKeyStore; dir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'parley-keystore-'));
  dirs.push(root);
  const dir = path.join(root, 'keys');
  return { store: new FileKeyStore(dir), dir };
}

describe.each([
  ['memory', () => new MemoryKeyStore()],
  ['file', () => fileStore().store],
] as const)('%s keystore', (_name, make: () => KeyStore) => {
  it('keeps, lists by prefix, replaces and deletes values', async () => {
    const store = make();
    expect(await store.get('group/c_1')).toBeUndefined();
    await store.set('group/c_1', new Uint8Array([1, 2, 3]));
    await store.set('group/c_2', new Uint8Array([4]));
    await store.set('kp/ab', new Uint8Array([5]));
    expect(await store.get('group/c_1')).toEqual(new Uint8Array([1, 2, 3]));
    expect((await store.keys('group/')).sort()).toEqual(['group/c_1', 'group/c_2']);
    await store.set('group/c_1', new Uint8Array([9]));
    expect(await store.get('group/c_1')).toEqual(new Uint8Array([9]));
    await store.delete('group/c_1');
    expect(await store.get('group/c_1')).toBeUndefined();
    expect(await store.keys('')).toHaveLength(2);
  });
});

describe('FileKeyStore', () => {
  it('writes secrets readable by their owner only (files 0600, folder 0700)', async () => {
    const { store, dir } = fileStore();
    await store.set('identity', new Uint8Array([7, 7, 7]));
    const name = Buffer.from('identity').toString('hex');
    expect(statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // A second store on the same folder reads what the first wrote (a restart).
    expect(await new FileKeyStore(dir).get('identity')).toEqual(new Uint8Array([7, 7, 7]));
  });
});

describe('ts-mls dependencies', () => {
  it('resolves the exact @noble versions ts-mls was built against, @noble/hashes included (it does not declare it)', () => {
    const fromTsMls = createRequire(createRequire(import.meta.url).resolve('ts-mls'));
    const versionOf = (pkg: string, entry: string) => {
      // Walk up from the resolved entry to the package's own package.json.
      let dir = path.dirname(fromTsMls.resolve(entry));
      while (!dir.endsWith(path.join('node_modules', ...pkg.split('/')))) dir = path.dirname(dir);
      return (createRequire(import.meta.url)(path.join(dir, 'package.json')) as { version: string }).version;
    };
    expect(versionOf('@noble/hashes', '@noble/hashes/sha2.js')).toBe('2.0.1');
    expect(versionOf('@noble/curves', '@noble/curves/ed25519.js')).toBe('2.0.1');
    expect(versionOf('@noble/ciphers', '@noble/ciphers/aes.js')).toBe('2.1.1');
  });
});
