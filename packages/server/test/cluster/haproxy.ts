/**
 * Debian's haproxy as a child process for the cluster tests: started in the
 * foreground with the documented configuration (haproxy-config.ts), driven through
 * its runtime API (server states, drain), killed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { haproxyConfig, type HaproxyOptions } from './haproxy-config';

export const HAPROXY = '/usr/sbin/haproxy';

export interface Haproxy {
  configFile: string;
  /** One command on the runtime API; resolves with its answer. */
  command(line: string): Promise<string>;
  /** Server states of a backend by name, e.g. `{ n1: 'UP', n2: 'DOWN' }`. */
  states(backend: string): Promise<Record<string, string>>;
  output(): string;
  /** SIGKILL without waiting (for an exit handler). */
  kill(): void;
  stop(): Promise<void>;
}

export async function startHaproxy(dir: string, options: HaproxyOptions): Promise<Haproxy> {
  if (!existsSync(HAPROXY)) throw new Error(`${HAPROXY} is missing: apt-get install haproxy`);
  const configFile = path.join(dir, 'haproxy.cfg');
  writeFileSync(configFile, haproxyConfig(options));
  // -db: stay in the foreground, no daemon; the test owns the process.
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const command = (line: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(options.adminSocket);
      let answer = '';
      socket.on('connect', () => socket.end(`${line}\n`));
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(answer));
    });

  const states = async (backend: string) => {
    const csv = await command('show stat');
    const out: Record<string, string> = {};
    for (const row of csv.split('\n')) {
      const [proxy, server, ...rest] = row.split(',');
      // Column 18 (0-based 17) is `status`.
      if (proxy === backend && server && server !== 'BACKEND' && server !== 'FRONTEND') out[server] = rest[15] ?? '';
    }
    return out;
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}:\n${output}`);
    const ready = await command('show info').then(
      (info) => info.includes('Name: HAProxy'),
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`haproxy did not start in 15 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    configFile,
    command,
    states,
    output: () => output,
    kill: () => child.kill('SIGKILL'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
