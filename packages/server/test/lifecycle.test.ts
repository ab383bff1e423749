/**
 * The real `parley start` process: graceful shutdown on SIGTERM, and a clear refusal of bad
 * configuration and of ports in use.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
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

/** Listens on a free loopback port, as another program would; returns the port and how to let it go. */
async function occupyPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return { port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

it(
  'refuses to start on an HTTP port in use, naming PARLEY_PORT and the port, without a stack trace',
  { timeout: 60_000 },
  async () => {
    const taken = await occupyPort();
    try {
      const cli = fileURLToPath(new URL('../../cli/bin/parley.js', import.meta.url));
      const child = spawn(process.execPath, [cli, 'start'], {
        env: {
          ...process.env,
          PARLEY_HOST: '127.0.0.1',
          PARLEY_PORT: String(taken.port),
          PARLEY_XMPP_PORT: '-1',
          PARLEY_DATA_DIR: dataDir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain(`error: port ${taken.port} on 127.0.0.1 (HTTP and WebSocket) is already in use`);
      expect(output).toContain(`set PARLEY_PORT to a free port, e.g. PARLEY_PORT=${taken.port + 1}`);
      expect(output).not.toMatch(/\n\s+at /);
      expect(output).not.toContain('unexpected error');
    } finally {
      await taken.release();
    }
  },
);

it(
  'serves HTTP when the XMPP port is in use, and logs PARLEY_XMPP_PORT and the port without a stack trace',
  { timeout: 60_000 },
  async () => {
    const taken = await occupyPort();
    try {
      const port = await freePort();
      const server = await spawnServer({
        PARLEY_PORT: String(port),
        PARLEY_XMPP_PORT: String(taken.port),
        PARLEY_DATA_DIR: dataDir,
      });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const lines = server
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; err?: unknown });
      const xmpp = lines.find((l) => l.msg.startsWith('XMPP is not available'));
      expect(xmpp?.msg).toContain(`port ${taken.port} on 127.0.0.1 (XMPP) is already in use`);
      expect(xmpp?.msg).toContain('set PARLEY_XMPP_PORT to a free port');
      expect(xmpp?.msg).toContain('PARLEY_XMPP_PORT=-1 to turn XMPP off');
      expect(xmpp?.err).toBeUndefined();
      // A stack trace in a JSON log line has its newlines escaped.
      expect(server.output()).not.toMatch(/\\n\s+at |\n\s+at /);
    } finally {
      await taken.release();
    }
  },
);
