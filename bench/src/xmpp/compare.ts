/**
 * `npm run bench:xmpp -- --clients K --rate R --duration T [--rounds N]`:
 * Parley's XMPP listener side by side with ejabberd and Prosody on this machine.
 * It starts each server itself in a temp directory (own config, loopback ports,
 * the same accounts and certificate), runs the same load against each,
 * interleaved (A B C A B C: the machine is shared and noisy), prints one table
 * and Parley's ratios, and stops every server it started, on failure and on
 * SIGINT/SIGTERM too. It installs nothing: it says what to apt-get install.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../options';
import { runXmppLoad, type XmppRunResult } from './load';
import { parseCompareOptions, XMPP_USAGE, type CompareOptions, type ServerKind } from './options';
import { ratios, ratioTable, runTable, summarizeServer, summaryTable } from './report';
import {
  EJABBERDCTL,
  makeCertificate,
  PROSODY,
  PROSODYCTL,
  startEjabberd,
  startParley,
  startProsody,
  type Account,
  type ServerUnderTest,
  type StartContext,
} from './servers';

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const started: ServerUnderTest[] = [];
let workDir: string | undefined;
let stopping: Promise<void> | undefined;

async function stopAll(): Promise<void> {
  stopping ??= (async () => {
    for (const server of started.splice(0).reverse()) {
      log(`stopping ${server.name}`);
      await server.stop().catch((error: unknown) => log(`stopping ${server.name} failed: ${String(error)}`));
    }
    if (workDir) {
      const leftovers = processesUnder(workDir);
      if (leftovers.length > 0) log(`WARNING: processes still running under ${workDir}: ${leftovers.join(', ')}`);
      else log('all servers stopped (no process left under the temp directory)');
      rmSync(workDir, { recursive: true, force: true });
    }
  })();
  return stopping;
}

/** Pids whose command line mentions our temp directory (ejabberd's and Prosody's do). */
function processesUnder(dir: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

function checkInstalled(kinds: readonly ServerKind[]): void {
  const missing: string[] = [];
  if (kinds.includes('ejabberd') && !existsSync(EJABBERDCTL)) missing.push('ejabberd');
  if (kinds.includes('prosody') && !(existsSync(PROSODY) && existsSync(PROSODYCTL))) missing.push('prosody');
  if (missing.length > 0) {
    throw new UsageError(
      `${missing.join(' and ')} not installed. Install with:\n  apt-get update && apt-get install -y ${missing.join(' ')}\n` +
        'then stop the system services the packages may start (e.g. service ejabberd stop; service prosody stop),\n' +
        `or leave them out with --servers ${['parley', 'parley-normal', 'ejabberd', 'prosody'].filter((k) => !missing.includes(k)).join(',')}`,
    );
  }
}

async function startKind(kind: ServerKind, ctx: StartContext, options: CompareOptions): Promise<ServerUnderTest> {
  const root = options.parleyRoot ?? repoRoot;
  switch (kind) {
    case 'parley':
      return startParley(ctx, { root, synchronous: 'full' });
    case 'parley-normal':
      return startParley(ctx, { root, synchronous: 'normal' });
    case 'ejabberd':
      return startEjabberd(ctx, { archive: options.archive });
    case 'prosody':
      return startProsody(ctx, { archive: options.archive });
  }
}

async function run(options: CompareOptions): Promise<void> {
  checkInstalled(options.servers);
  workDir = mkdtempSync(path.join(tmpdir(), 'parley-xmpp-bench-'));
  const domain = 'localhost';
  const { certFile, keyFile } = makeCertificate(workDir, domain);
  const password = `bench-${path.basename(workDir).slice(-6)}-password`;
  const accounts: Account[] = Array.from({ length: options.clients }, (_, i) => ({ username: `bench${i}`, password }));
  const ctx: StartContext = { dir: workDir, domain, accounts, certFile, keyFile, log };
  const servers: ServerUnderTest[] = [];
  for (const kind of options.servers) {
    const t = Date.now();
    log(`starting ${kind} and creating ${accounts.length} accounts...`);
    const server = await startKind(kind, ctx, options);
    started.push(server);
    servers.push(server);
    log(
      `${server.name} ready on 127.0.0.1:${server.port} (pid ${server.pid() ?? '?'}) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  const runs: (XmppRunResult & { round: number })[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const server of servers) {
      await sleep(3000); // let the previous run's sockets close and the machine settle
      log(`round ${round}: ${server.name} (load average ${loadavg()[0]?.toFixed(2)})`);
      const result = await runXmppLoad(
        {
          name: server.name,
          host: '127.0.0.1',
          port: server.port,
          domain: server.domain,
          accounts,
          pid: () => server.pid(),
        },
        {
          clients: options.clients,
          rate: options.rate,
          durationS: options.durationS,
          graceS: options.graceS,
          mechanism: options.mechanism,
          loginConcurrency: 16,
        },
        log,
      );
      runs.push({ ...result, round });
      log(
        `round ${round}: ${server.name}: delivered ${result.delivered}/${result.sent}, ${result.deliveredPerS.toFixed(0)}/s, p50 ${result.latencyMs.p50.toFixed(1)} ms`,
      );
    }
  }
  const summaries = servers.map((s) => summarizeServer(s.name, runs));
  const list = ratios(summaries);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ options, machine: machineLine(), servers: servers.map((s) => ({ name: s.name, storage: s.storage })), runs, summaries, ratios: list }, null, 2)}\n`,
    );
    return;
  }
  const out = [
    `machine: ${machineLine()}`,
    `load: ${options.clients} clients per server, ${options.rate} msg/s for ${options.durationS} s, ${options.rounds} interleaved round(s), ${options.mechanism} after STARTTLS, grace ${options.graceS} s`,
    '',
    ...servers.map((s) => `- ${s.name}: ${s.storage}`),
    `- TLS as negotiated: ${[...new Set(runs.map((r) => `${r.server}: ${r.tls}`))].join('; ')}`,
    '',
    runTable(runs),
    '',
    'Median per server over its rounds:',
    '',
    summaryTable(summaries),
    '',
    ratioTable(list),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

function machineLine(): string {
  const list = cpus();
  return `${list.length} x ${list[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers started by the bench`);
    void stopAll().finally(() => process.exit(130));
  });
}

let code = 0;
try {
  await run(parseCompareOptions(process.argv.slice(2)));
} catch (error) {
  if (error instanceof UsageError) {
    log(`error: ${error.message}\n${XMPP_USAGE}`);
    code = 2;
  } else {
    log(`bench:xmpp failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    code = 1;
  }
} finally {
  await stopAll();
}
process.exit(code);
