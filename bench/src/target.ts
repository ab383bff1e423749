/**
 * The server under load: either one started in this process on a temp SQLite file
 * (limits raised so that the bench measures throughput, not the rate limiter), or
 * an external one on loopback. Also reads its resident memory: our own RSS when
 * in-process, `parley_process_resident_memory_bytes` from /metrics otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, startServer } from '@parley/server';

export interface Target {
  url: string;
  inProcess: boolean;
  /** How the server was configured, for the report. */
  description: string;
  synchronous: string;
  rssBytes(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function startInProcess(): Promise<Target> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  // PARLEY_* from the environment still apply (e.g. PARLEY_SQLITE_SYNCHRONOUS=normal);
  // what the bench must control is overridden.
  const config = loadConfig(process.env, {
    host: '127.0.0.1',
    port: 0,
    dataDir: dir,
    sqlitePath: path.join(dir, 'parley.db'),
    logLevel: 'warn',
    authAttemptsPerMinute: 100_000,
    framesPerSecond: 100_000,
  });
  const server = await startServer(config);
  return {
    url: server.url,
    inProcess: true,
    synchronous: config.sqliteSynchronous,
    description: `in-process server on ${config.sqlitePath} (synchronous=${config.sqliteSynchronous}, SQLite on the ${config.sqliteThread} thread); clients share its process`,
    rssBytes: () => Promise.resolve(process.memoryUsage().rss),
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads one gauge from Prometheus text format. */
export function readGauge(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name} `) && !line.startsWith(`${name}{`)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

export function external(url: string): Target {
  return {
    url,
    inProcess: false,
    synchronous: 'as configured on the server',
    description: `external server at ${url}`,
    async rssBytes() {
      try {
        const response = await fetch(`${url}/metrics`);
        if (!response.ok) return undefined;
        return readGauge(await response.text(), 'parley_process_resident_memory_bytes');
      } catch {
        return undefined;
      }
    },
    stop: () => Promise.resolve(),
  };
}
