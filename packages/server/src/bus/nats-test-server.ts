/**
 * Test helpers for suites that need NATS: the shared test server (fail in CI,
 * skip with a warning elsewhere, like PostgreSQL), and a private nats-server
 * process on a free port for tests that stop and restart it. Test-only: nothing in
 * the server imports this module.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';

const DEFAULT_URL = 'nats://127.0.0.1:4222';
export const NATS_SERVER = '/usr/sbin/nats-server';

export function natsTestUrl(): string {
  return process.env.PARLEY_TEST_NATS_URL ?? DEFAULT_URL;
}

function reachable(url: string, timeoutMs = 2000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: hostname, port: Number(port || 4222) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}

/**
 * Resolves true when NATS answers. When it does not: throws under CI (a skipped bus
 * suite must not pass CI silently), else warns and resolves false.
 */
export async function requireNats(url: string = natsTestUrl()): Promise<boolean> {
  if (await reachable(url)) return true;
  const message = `NATS is unreachable at ${url}; set PARLEY_TEST_NATS_URL or start nats-server`;
  if (process.env.CI) throw new Error(`${message}. CI is set, so NATS tests fail instead of skipping.`);
  process.stderr.write(`WARNING: ${message}. Skipping NATS tests.\n`);
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface PrivateNats {
  url: string;
  /** Kills the server (SIGKILL: no goodbye to clients) and starts it again on the same port. */
  restart(downMs?: number): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A nats-server of this test's own on a free loopback port (core NATS, no JetStream). */
export async function startPrivateNats(): Promise<PrivateNats> {
  if (!existsSync(NATS_SERVER)) throw new Error(`${NATS_SERVER} is missing: apt-get install nats-server`);
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await reachable(url, 500))) {
      if (Date.now() > deadline) throw new Error(`nats-server did not start on ${url}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return {
    url,
    start,
    kill,
    async restart(downMs = 200) {
      await kill();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    stop: kill,
  };
}
