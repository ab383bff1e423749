/** The real `parley start` process: graceful shutdown on SIGTERM, and a clear refusal of bad configuration. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { RawClient, registerUser } from './harness';
import { freePort, spawnServer } from './process';

const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-lifecycle-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it(
  'on SIGTERM closes WebSockets with 1012 (service restart), logs JSON lines and exits 0',
  { timeout: 60_000 },
  async () => {
    const port = await freePort();
    const server = await spawnServer({ PARLEY_PORT: String(port), PARLEY_DATA_DIR: dataDir });
    const url = `http://127.0.0.1:${port}`;
    const { token } = await registerUser(url);
    const client = await RawClient.authed(`ws://127.0.0.1:${port}/v1/ws`, token);
    server.child.kill('SIGTERM');
    expect((await client.closed).code).toBe(1012);
    expect(await server.exited).toBe(0);
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toEqual(expect.arrayContaining([`Parley listening on ${url}`, 'shutting down', 'stopped']));
  },
);

it(
  'refuses to start with bad configuration, listing every problem and no stack trace',
  { timeout: 30_000 },
  async () => {
    const cli = fileURLToPath(new URL('../../cli/bin/parley.js', import.meta.url));
    const child = spawn(process.execPath, [cli, 'start'], {
      env: { ...process.env, PARLEY_PORT: 'eighty', PARLEY_DB: 'mysql', PARLEY_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toContain('PARLEY_PORT=eighty is not an integer');
    expect(output).toContain('PARLEY_DB=mysql is not one of: sqlite, postgres');
    expect(output).not.toMatch(/\n\s+at /);
  },
);
