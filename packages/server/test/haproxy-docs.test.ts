/**
 * The haproxy.cfg that docs/operations.md prints is the one the cluster tests run
 * (haproxy-config.ts renders both): when the template changes, this fails until
 * the documentation shows the new one. Where haproxy is installed, the printed
 * configuration (TLS included, with a throw-away certificate) must also pass its
 * `haproxy -c` check.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { expect, it } from 'vitest';
import { documentedHaproxy, haproxyConfig } from './cluster/haproxy-config';
import { HAPROXY } from './cluster/haproxy';

const doc = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
const documented = haproxyConfig(documentedHaproxy);

it('docs/operations.md shows the haproxy.cfg the cluster tests run', () => {
  const block = /```haproxy\n([\s\S]*?)```/.exec(doc)?.[1];
  expect(block, 'a ```haproxy block in docs/operations.md').toBeDefined();
  expect(block).toBe(documented);
});

it.skipIf(!existsSync(HAPROXY))('the documented haproxy.cfg is valid for haproxy, TLS included', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-haproxy-'));
  try {
    const pems = await generate([{ name: 'commonName', value: 'chat.example.org' }], { keySize: 2048 });
    const pem = path.join(dir, 'parley.pem');
    writeFileSync(pem, `${pems.cert.trim()}\n${pems.private.trim()}\n`);
    const file = path.join(dir, 'haproxy.cfg');
    writeFileSync(
      file,
      documented
        .replace('/etc/haproxy/parley.pem', pem)
        .replace(documentedHaproxy.adminSocket, path.join(dir, 'admin.sock'))
        .replace(`maxconn ${documentedHaproxy.maxconn}`, 'maxconn 1000'),
    );
    const check = spawnSync(HAPROXY, ['-c', '-f', file], { encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).toContain('Configuration file is valid');
    expect(check.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
