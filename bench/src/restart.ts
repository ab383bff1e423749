/**
 * `npm run bench:restart -- --clients K [--down-ms D] [--json]`: a reconnect storm.
 * One in-process server on a temp SQLite file; K SDK clients (paired into direct
 * conversations) connect; the server shuts down gracefully (every socket closed with
 * 1012, service restart), stays down D ms (default 2,000: a process manager restarting
 * it), and starts again on the same port and file. The report says how long after the
 * new server was listening each client was connected and caught up again (p50, p95,
 * max), and the most clients that came back within one 100 ms slice (how hard the
 * returning crowd hits the server). The clients share the server's process and cores,
 * as in `npm run bench`. Progress goes to stderr, the report to stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, startServer, type RunningServer } from '@parley/server';
import { closeFleet, connectFleet, registerFleet } from './fleet';
import { bounded, UsageError } from './options';
import { machine, type LoadReport } from './report';
import { summarize, type Summary } from './stats';

const USAGE = `usage: npm run bench:restart -- --clients K [--down-ms D] [--json]
  --clients K    connected SDK clients, paired into direct conversations (2..5000, even)
  --down-ms D    how long the server stays down between stop and start (0..60000, default 2000)
  --json         print the report as JSON`;

interface RestartReport {
  clients: number;
  downMs: number;
  /** Time the graceful shutdown took (closing K sockets, storing their last seen). */
  shutdownMs: number;
  /** From the new server listening to each client connected and caught up again. */
  backAfterMs: Summary;
  /** Clients that were not back within five minutes. */
  notBack: number;
  /** The most clients connected again within one 100 ms slice. */
  peakPer100Ms: number;
  machine: LoadReport['machine'];
}

function parse(argv: string[]): { clients: number; downMs: number; json: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: { clients: { type: 'string' }, 'down-ms': { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const clients = bounded('clients', values.clients, 2, 5000);
  if (clients % 2 !== 0) throw new UsageError('--clients must be even (clients are paired)');
  return { clients, downMs: bounded('down-ms', values['down-ms'], 0, 60_000, 2000), json: values.json === true };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-restart-'));
  const start = (port: number): Promise<RunningServer> =>
    startServer(
      loadConfig(process.env, {
        host: '127.0.0.1',
        port,
        dataDir: dir,
        sqlitePath: path.join(dir, 'parley.db'),
        logLevel: 'warn',
        xmppPort: -1,
        authAttemptsPerMinute: 100_000,
        framesPerSecond: 100_000,
      }),
    );
  let server: RunningServer | undefined = await start(0);
  const port = server.port;
  const progress = (what: string) => (done: number) => {
    if (done % 200 === 0 || done === options.clients) process.stderr.write(`${what} ${done}/${options.clients}\n`);
  };
  const peers = await registerFleet(server.url, options.clients, progress('registered'));
  try {
    await connectFleet(peers, progress('connected'));
    const backAt = new Array<number>(peers.length).fill(Number.NaN);
    let listeningAt = Number.POSITIVE_INFINITY;
    for (const peer of peers) {
      peer.client.on('state', (state) => {
        if (state.state === 'connected' && performance.now() >= listeningAt && Number.isNaN(backAt[peer.index]!)) {
          backAt[peer.index] = performance.now() - listeningAt;
        }
      });
    }
    process.stderr.write('stopping the server (1012)...\n');
    const stopping = performance.now();
    await server.stop();
    const shutdownMs = performance.now() - stopping;
    server = undefined;
    await sleep(options.downMs);
    server = await start(port);
    listeningAt = performance.now();
    process.stderr.write('restarted; waiting for the clients...\n');
    const deadline = Date.now() + 300_000;
    while (backAt.some((t) => Number.isNaN(t)) && Date.now() < deadline) await sleep(100);
    const back = backAt.filter((t) => !Number.isNaN(t));
    const slices = new Map<number, number>();
    for (const t of back) slices.set(Math.floor(t / 100), (slices.get(Math.floor(t / 100)) ?? 0) + 1);
    const report: RestartReport = {
      clients: options.clients,
      downMs: options.downMs,
      shutdownMs: Math.round(shutdownMs),
      backAfterMs: summarize(back),
      notBack: backAt.length - back.length,
      peakPer100Ms: Math.max(0, ...slices.values()),
      machine: machine(),
    };
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const s = report.backAfterMs;
      process.stdout.write(
        [
          `clients ${report.clients}, down ${report.downMs} ms, graceful shutdown ${report.shutdownMs} ms`,
          `back after restart (ms): p50 ${s.p50.toFixed(0)}  p95 ${s.p95.toFixed(0)}  max ${s.max.toFixed(0)}`,
          `not back after 5 min: ${report.notBack}; most back within one 100 ms slice: ${report.peakPer100Ms}`,
          `machine: ${report.machine.cpus} x ${report.machine.cpuModel}, load ${report.machine.loadAverage.join(' ')}`,
        ].join('\n') + '\n',
      );
    }
  } finally {
    closeFleet(peers);
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
