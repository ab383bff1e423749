/**
 * Debian's haproxy in front of a test server: a config of the test's own on free
 * loopback ports, run in the foreground, stopped by the test. Missing haproxy
 * fails in CI (it is in .ci/run's packages) and skips elsewhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const HAPROXY = '/usr/sbin/haproxy';

export function requireHaproxy(): boolean {
  if (existsSync(HAPROXY)) return true;
  const message = `${HAPROXY} is missing (apt-get install haproxy)`;
  if (process.env.CI) throw new Error(`${message}. CI is set, so haproxy tests fail instead of skipping.`);
  process.stderr.write(`WARNING: ${message}. Skipping haproxy tests.\n`);
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Haproxy {
  stop(): Promise<void>;
}

/** Starts haproxy with `config` and resolves once every port in `ports` accepts connections. */
export async function startHaproxy(config: string, ports: number[]): Promise<Haproxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-haproxy-'));
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  let output = '';
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    while (!(await listening(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`haproxy did not listen on ${port}: ${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { stop };
}
