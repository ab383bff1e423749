/**
 * The load generator's command line: parsed, bounded (a typo must not start a
 * million clients), and restricted to loopback targets (this tool floods the
 * server it points at; it is for your own machine only).
 */
import { parseArgs } from 'node:util';

export interface LoadOptions {
  clients: number;
  rate: number;
  durationS: number;
  /** External server URL; undefined means "start one in this process". */
  server: string | undefined;
  json: boolean;
}

export const LIMITS = { clients: 5000, rate: 20_000, durationS: 600 } as const;

export class UsageError extends Error {}

export const USAGE = `usage: npm run bench -- --clients K --rate R --duration T [--server URL] [--json]
  --clients K    connected clients, paired into direct conversations (2..${LIMITS.clients}, even)
  --rate R       messages per second, all clients together (1..${LIMITS.rate})
  --duration T   seconds of sending (1..${LIMITS.durationS})
  --server URL   a running server on this machine (loopback only); default: one started in-process
  --json         print the final report as JSON`;

/** An integer flag within min..max; `fallback` when it is absent, else it is required. */
export function bounded(name: string, raw: string | undefined, min: number, max: number, fallback?: number): number {
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required`);
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer within ${min}..${max}, not ${raw}`);
  }
  return value;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function parseLoadOptions(argv: string[]): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      server: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const clients = bounded('clients', values.clients, 2, LIMITS.clients);
  if (clients % 2 !== 0) throw new UsageError('--clients must be even: clients are paired into direct conversations');
  const server = values.server?.replace(/\/+$/, '');
  if (server !== undefined) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new UsageError(`--server ${server} is not a URL (e.g. http://127.0.0.1:8080)`);
    }
    if (!isLoopbackHost(url.hostname)) {
      throw new UsageError(`--server must be on this machine (127.0.0.1, ::1 or localhost), not ${url.hostname}`);
    }
  }
  return {
    clients,
    rate: bounded('rate', values.rate, 1, LIMITS.rate),
    durationS: bounded('duration', values.duration, 1, LIMITS.durationS),
    server,
    json: values.json ?? false,
  };
}
