/**
 * Test harness for the CLI: a real server in this process on a temp SQLite file,
 * and the real `parley` command spawned as a child process against it, each user
 * with their own PARLEY_CONFIG_DIR (their own credentials.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, startServer, type Config, type RunningServer } from '@parley/server';

const BIN = fileURLToPath(new URL('../bin/parley.js', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliTestEnv {
  url: string;
  dir: string;
  server: RunningServer;
  /** Runs `parley <args>` as `user` (their own config dir) and waits for it to exit. */
  run(user: string, args: string[], options?: { stdin?: string; env?: Record<string, string> }): Promise<RunResult>;
  /** Starts `parley <args>` as `user` and returns it running (tail). */
  spawn(user: string, args: string[]): Running;
  stop(): Promise<void>;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `pattern` appears in the chosen stream; rejects after `timeoutMs`. */
  waitFor(stream: 'stdout' | 'stderr', pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends SIGINT and resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

/** `overrides`: server settings a test needs (e.g. PARLEY_OUTBOUND_ALLOW for a webhook receiver on loopback). */
export async function startCliTestEnv(
  overrides: Partial<Config> = {},
  /** Start options of the server (a test clock, for one). */
  startOptions: Parameters<typeof startServer>[1] = {},
): Promise<CliTestEnv> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-cli-'));
  const sqlitePath = path.join(dir, 'parley.db');
  const server = await startServer(
    loadConfig(
      {},
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: dir,
        sqlitePath,
        logLevel: 'silent',
        authAttemptsPerMinute: 10_000,
        ...overrides,
      },
    ),
    startOptions,
  );
  const childEnv = (user: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const configDir = path.join(dir, 'users', user);
    mkdirSync(configDir, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env };
    // The developer's own settings must not leak into the test.
    for (const key of Object.keys(env)) if (key.startsWith('PARLEY_')) delete env[key];
    return {
      ...env,
      PARLEY_SERVER: server.url,
      PARLEY_CONFIG_DIR: configDir,
      PARLEY_DATA_DIR: dir,
      PARLEY_SQLITE_PATH: sqlitePath,
      PARLEY_LOG_LEVEL: 'silent',
      ...extra,
    };
  };
  const start = (user: string, args: string[], extra?: Record<string, string>) =>
    spawn(process.execPath, [BIN, ...args], { env: childEnv(user, extra), stdio: ['pipe', 'pipe', 'pipe'] });

  return {
    url: server.url,
    dir,
    server,
    run(user, args, options = {}) {
      const child = start(user, args, options.env);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.end(options.stdin ?? '');
      return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    spawn(user, args) {
      const child = start(user, args);
      child.stdin.end();
      const out = { stdout: '', stderr: '' };
      const listeners = new Set<() => void>();
      const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
        out[stream] += chunk.toString();
        for (const listener of listeners) listener();
      };
      child.stdout.on('data', onData('stdout'));
      child.stderr.on('data', onData('stderr'));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      return {
        child,
        stdout: () => out.stdout,
        stderr: () => out.stderr,
        waitFor(stream, pattern, timeoutMs = 15_000) {
          const matches = () =>
            typeof pattern === 'string' ? out[stream].includes(pattern) : pattern.test(out[stream]);
          return new Promise<void>((resolve, reject) => {
            const check = () => {
              if (!matches()) return;
              listeners.delete(check);
              clearTimeout(timer);
              resolve();
            };
            const timer = setTimeout(() => {
              listeners.delete(check);
              reject(
                new Error(
                  `timed out waiting for ${String(pattern)} on ${stream}; stdout:\n${out.stdout}\nstderr:\n${out.stderr}`,
                ),
              );
            }, timeoutMs);
            listeners.add(check);
            check();
          });
        },
        interrupt() {
          if (child.exitCode === null) child.kill('SIGINT');
          return exited;
        },
      };
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
