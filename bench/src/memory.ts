/**
 * `npm run bench:memory`: resident memory (VmRSS from /proc, the server in its own process)
 * of a fresh Parley server as `npm start` runs it, and per idle connection:
 *   - Parley's native WebSocket (auth with a token, sync, then idle, as the SDK);
 *   - XMPP with STARTTLS + SCRAM-SHA-1, bound resource, roster fetched, initial presence:
 *     Parley beside ejabberd and Prosody (when installed).
 * Each server starts fresh for each measure. The load generators run in separate processes
 * (bench/src/memory-clients.ts) from several loopback source addresses.
 *
 * Per connection = (RSS with N connections - RSS before the first) / N, and the slope between N/2
 * and N (which leaves out what grows once, e.g. the young generation of V8 under the connection
 * storm). Memory, not speed: the machine may be busy.
 *
 * Options (environment): BENCH_MEMORY_CONNECTIONS (5000), BENCH_MEMORY_GENERATORS (4),
 * BENCH_MEMORY_ACCOUNTS (500; connections share them round-robin, each with its own resource or
 * connection), BENCH_MEMORY_SERVERS (fresh,ws,parley,ejabberd,prosody), BENCH_MEMORY_SETTLE_MS
 * (10000; at least 65000 after opening Parley's XMPP connections, whose quiet streams park their
 * XML parser after 30-60 s), BENCH_MEMORY_FRESH_RUNS (3).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MemoryJob } from './memory-clients';
import { mapLimit } from './fleet';
import {
  EJABBERDCTL,
  PROSODY,
  makeCertificate,
  startEjabberd,
  startParley,
  startProsody,
  type Account,
  type ServerUnderTest,
  type StartContext,
} from './xmpp/servers';
import { parseVmRssBytes } from './xmpp/wire';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const N = env('BENCH_MEMORY_CONNECTIONS', 5000);
const GENERATORS = env('BENCH_MEMORY_GENERATORS', 4);
const ACCOUNTS = env('BENCH_MEMORY_ACCOUNTS', 500);
const SETTLE_MS = env('BENCH_MEMORY_SETTLE_MS', 10_000);
const FRESH_RUNS = env('BENCH_MEMORY_FRESH_RUNS', 3);
const WHAT = (process.env.BENCH_MEMORY_SERVERS ?? 'fresh,ws,parley,ejabberd,prosody').split(',');
/** Connections per source address: below the ~28,000 ephemeral ports of one address. */
const PER_ADDRESS = 20_000;

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

function rssOf(pid: number | undefined): number {
  if (pid === undefined) throw new Error('the server is not running');
  const rss = parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (rss === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return rss;
}

interface Generator {
  child: ChildProcess;
  ready: Promise<number>;
}

/** Starts one generator process; resolves `ready` with its count once all its connections are up. */
function startGenerator(job: MemoryJob, onProgress: () => void): Generator {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/src/memory-clients.ts')], {
    cwd: root,
    env: { ...process.env, BENCH_MEMORY_JOB: JSON.stringify(job) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (c: Buffer) => (errors = (errors + c.toString()).slice(-2000)));
  const ready = new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('progress')) onProgress();
        else if (line.startsWith('ready')) resolve(Number(line.split(' ')[1]));
        else if (line.startsWith('error')) reject(new Error(`generator: ${line.slice(6)}`));
      }
    });
    child.on('exit', (code) => reject(new Error(`generator exited (${code}) before it was ready: ${errors}`)));
  });
  return { child, ready };
}

/** Opens `count` more connections (indices from `first`) spread over the generators; resolves when all are up. */
async function openConnections(
  base: Omit<MemoryJob, 'count' | 'first' | 'localAddress' | 'concurrency'>,
  first: number,
  count: number,
  generators: Generator[],
  server: () => number | undefined,
): Promise<void> {
  const started = Date.now();
  const perGenerator = Math.ceil(count / GENERATORS);
  const batch: Generator[] = [];
  for (let g = 0; g < GENERATORS; g++) {
    const from = first + g * perGenerator;
    const n = Math.min(perGenerator, first + count - from);
    if (n <= 0) break;
    // 127.0.0.2, .3, ...: a new address every PER_ADDRESS connections.
    const localAddress = `127.0.0.${2 + Math.floor(from / PER_ADDRESS)}`;
    batch.push(startGenerator({ ...base, first: from, count: n, localAddress, concurrency: 16 }, () => undefined));
  }
  generators.push(...batch);
  const timer = setInterval(() => {
    const pid = server();
    log(
      `  opening ${count} connections... ${((Date.now() - started) / 1000).toFixed(0)} s, server RSS ${pid ? mb(rssOf(pid)) : '?'} MB`,
    );
  }, 10_000);
  try {
    const opened = (await Promise.all(batch.map((g) => g.ready))).reduce((a, b) => a + b, 0);
    const seconds = (Date.now() - started) / 1000;
    log(`  ${opened} connections up in ${seconds.toFixed(1)} s (${(opened / seconds).toFixed(0)} logins/s)`);
  } finally {
    clearInterval(timer);
  }
}

function stopGenerators(generators: Generator[]): Promise<void> {
  return Promise.all(
    generators.map(
      (g) =>
        new Promise<void>((resolve) => {
          if (g.child.exitCode !== null) return resolve();
          const kill = setTimeout(() => g.child.kill('SIGKILL'), 15_000);
          g.child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          g.child.stdin?.end();
        }),
    ),
  ).then(() => undefined);
}

interface IdleResult {
  name: string;
  connections: number;
  before: number;
  half: number;
  full: number;
}

async function measureIdle(
  name: string,
  server: ServerUnderTest,
  base: Omit<MemoryJob, 'count' | 'first' | 'localAddress' | 'concurrency'>,
  settleMs = SETTLE_MS,
): Promise<IdleResult> {
  const generators: Generator[] = [];
  try {
    await sleep(SETTLE_MS);
    const before = rssOf(server.pid());
    log(`${name}: ${mb(before)} MB before any connection; opening ${N / 2}`);
    await openConnections(base, 0, N / 2, generators, () => server.pid());
    await sleep(settleMs);
    const half = rssOf(server.pid());
    log(`${name}: ${mb(half)} MB with ${N / 2}; opening ${N / 2} more`);
    await openConnections(base, N / 2, N / 2, generators, () => server.pid());
    await sleep(settleMs);
    const full = rssOf(server.pid());
    const result = { name, connections: N, before, half, full };
    log(
      `${name}: ${mb(full)} MB with ${N}: ${kib((full - before) / N)} KiB per connection, slope ${kib((full - half) / (N / 2))} KiB`,
    );
    return result;
  } finally {
    await stopGenerators(generators);
  }
}

async function loginTokens(httpPort: number, accounts: readonly Account[]): Promise<string[]> {
  return mapLimit(accounts, 8, async (account) => {
    const response = await fetch(`http://127.0.0.1:${httpPort}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: account.username, password: account.password }),
      signal: AbortSignal.timeout(60_000),
    });
    if (response.status !== 200) throw new Error(`login ${account.username}: HTTP ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  });
}

/** A fresh server as `npm start` runs it (and, for comparison, from the sources through tsx). */
async function measureFresh(ctx: StartContext): Promise<{ entry: string; rss: number[] }[]> {
  const results: { entry: string; rss: number[] }[] = [];
  for (const entry of ['bundle', 'sources'] as const) {
    const rss: number[] = [];
    for (let run = 0; run < FRESH_RUNS; run++) {
      const server = await startParley({ ...ctx, accounts: [] }, { root, synchronous: 'full', entry });
      try {
        // releaseStartupMemory's second collection comes 6 s after listening.
        await sleep(Math.max(SETTLE_MS, 9_000));
        rss.push(rssOf(server.pid()));
        log(`fresh server (${entry}) run ${run + 1}: ${mb(rss[rss.length - 1]!)} MB`);
      } finally {
        await server.stop();
      }
    }
    results.push({ entry, rss });
  }
  return results;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main() {
  if (!existsSync(path.join(root, 'packages/cli/dist/parley.mjs')) || process.env.BENCH_MEMORY_BUILD !== '0') {
    log('building the server bundle (scripts/build-server.mjs)...');
    const build = spawn(process.execPath, [path.join(root, 'scripts/build-server.mjs'), '--if-stale'], {
      stdio: 'inherit',
    });
    await new Promise((resolve) => build.once('exit', resolve));
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-memory-bench-'));
  // ejabberd runs as its own user (servers.ts) and must reach its folder below this one.
  chmodSync(dir, 0o755);
  const domain = 'localhost';
  const { certFile, keyFile } = makeCertificate(dir, domain);
  const password = 'bench-memory-password';
  const accounts: Account[] = Array.from({ length: ACCOUNTS }, (_, i) => ({ username: `mem${i}`, password }));
  const ctx: StartContext = { dir, domain, accounts, certFile, keyFile, log };
  const idle: IdleResult[] = [];
  let fresh: { entry: string; rss: number[] }[] = [];
  try {
    if (WHAT.includes('fresh')) fresh = await measureFresh({ ...ctx, dir: path.join(dir, 'fresh') });
    for (const what of WHAT) {
      if (what === 'fresh') continue;
      const runDir = path.join(dir, what);
      const runCtx = { ...ctx, dir: runDir };
      let server: ServerUnderTest | undefined;
      try {
        if (what === 'ws' || what === 'parley') {
          log(`${what}: starting Parley (as npm start) and creating ${ACCOUNTS} accounts...`);
          server = await startParley(runCtx, { root, synchronous: 'full', entry: 'bundle' });
          if (what === 'ws') {
            const tokens = await loginTokens(server.httpPort!, accounts);
            idle.push(
              await measureIdle('parley native WebSocket', server, {
                kind: 'ws',
                host: '127.0.0.1',
                port: server.httpPort!,
                tokens,
              }),
            );
          } else {
            // Quiet XMPP streams give up their XML parser after 30-60 s (XmlStreamParser.park).
            idle.push(await measureIdle('parley XMPP', server, xmppJob(server, accounts), Math.max(SETTLE_MS, 65_000)));
          }
        } else if (what === 'ejabberd') {
          if (!existsSync(EJABBERDCTL)) {
            log('ejabberd is not installed (apt-get install ejabberd): skipped');
            continue;
          }
          log(`ejabberd: starting and creating ${ACCOUNTS} accounts...`);
          server = await startEjabberd(runCtx, { archive: true });
          idle.push(await measureIdle('ejabberd XMPP', server, xmppJob(server, accounts)));
        } else if (what === 'prosody') {
          if (!existsSync(PROSODY)) {
            log('prosody is not installed (apt-get install prosody): skipped');
            continue;
          }
          log(`prosody: creating ${ACCOUNTS} accounts (prosodyctl, slow) and starting...`);
          server = await startProsody(runCtx, { archive: true });
          idle.push(await measureIdle('prosody XMPP', server, xmppJob(server, accounts)));
        } else {
          throw new Error(`unknown BENCH_MEMORY_SERVERS entry ${what}`);
        }
      } catch (error) {
        // One server that fails to start or to take the connections does not lose the others' figures.
        log(`${what}: failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await server?.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const lines = ['', `## bench:memory (${new Date().toISOString()}, node ${process.version})`, ''];
  if (fresh.length > 0) {
    lines.push('| fresh server | RSS, median of runs (MB) | runs |', '| --- | --- | --- |');
    for (const f of fresh) {
      const label = f.entry === 'bundle' ? '`npm start` (bundle, --expose-gc)' : 'sources through tsx (bin/parley.js)';
      lines.push(`| ${label} | ${mb(median(f.rss))} | ${f.rss.map(mb).join(', ')} |`);
    }
    lines.push('');
  }
  if (idle.length > 0) {
    lines.push(
      `| ${N} idle connections | RSS before (MB) | with ${N / 2} | with ${N} | per connection (KiB) | slope ${N / 2}..${N} (KiB) |`,
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const r of idle) {
      lines.push(
        `| ${r.name} | ${mb(r.before)} | ${mb(r.half)} | ${mb(r.full)} | ${kib((r.full - r.before) / r.connections)} | ${kib((r.full - r.half) / (r.connections / 2))} |`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function xmppJob(server: ServerUnderTest, accounts: readonly Account[]) {
  return {
    kind: 'xmpp' as const,
    host: '127.0.0.1',
    port: server.port,
    domain: server.domain,
    accounts: [...accounts],
  };
}

await main();
