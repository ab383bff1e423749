/**
 * `parley export` (the archive of docs/export-format.md, written to a file) and
 * `parley admin user delete [--with-content]`: real child processes against a real server.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliTestEnv, type CliTestEnv } from './cli-harness';

let env: CliTestEnv;
const PW = 'correct horse battery';

beforeAll(async () => {
  env = await startCliTestEnv();
});
afterAll(async () => {
  await env.stop();
});

describe('parley export and parley admin user delete', () => {
  it('writes the archive, and an admin deletes an account with its content', async () => {
    // The first account of the server is its admin.
    for (const user of ['root', 'gus', 'hal']) {
      expect((await env.run(user, ['register', user, '--password', PW])).code).toBe(0);
    }
    expect((await env.run('gus', ['group', 'create', 'Den', '@hal'])).code).toBe(0);
    const out = path.join(env.dir, 'gus.tar');
    const exported = await env.run('gus', ['export', '--out', out]);
    expect([exported.code, exported.stdout]).toEqual([0, `wrote ${out}\n`]);
    const archive = readFileSync(out);
    // A tar archive: the names sit in the 512-byte headers, the manifest first.
    expect(archive.subarray(0, 100).toString().replace(/\0+$/, '')).toBe('parley-export/manifest.json');
    expect(archive.includes('parley-export/end.json')).toBe(true);

    const unconfirmed = await env.run('root', ['admin', 'user', 'delete', 'hal', '--with-content']);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    const deleted = await env.run('root', ['admin', 'user', 'delete', 'hal', '--with-content', '--yes']);
    expect([deleted.code, deleted.stdout]).toEqual([0, 'deleted hal; everything they sent is being erased\n']);
    const asUser = await env.run('gus', ['admin', 'user', 'delete', 'root', '--yes']);
    expect(asUser.code).toBe(1);
    expect(asUser.stderr).toMatch(/admin_required/);
  }, 120_000);
});
