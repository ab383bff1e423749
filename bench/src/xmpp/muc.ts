/**
 * `npm run bench:xmpp-muc -- [--occupants K] [--servers parley,ejabberd,prosody]`:
 * one XEP-0045 room of K occupants (default 500) over STARTTLS and SCRAM-SHA-1
 * (muc-scenario.ts: create the instant room, grant K-1 memberships one request at
 * a time, join all with no history, 16 at a time, post one message to everyone;
 * with --rate M, occupants then post M messages per second in turn for --duration
 * seconds: M x K deliveries per second, with latency, server CPU per 1,000
 * deliveries and the generator's own CPU), against each server the bench starts
 * itself (servers.ts: temp directories, loopback ports, the same accounts
 * user1..userK). Prints join time, fan-out time and the server's peak RSS per
 * server; stops every server it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bounded, UsageError } from '../options';
import { runMucScenario, type MucRunResult } from './muc-scenario';
import { SERVER_KINDS, type ServerKind } from './options';
import {
  makeCertificate,
  startEjabberd,
  startParley,
  startProsody,
  type Account,
  type ServerUnderTest,
  type StartContext,
} from './servers';

const log = (line: string) => process.stderr.write(`${line}\n`);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const USAGE = `usage: npm run bench:xmpp-muc -- [--occupants K] [--rate M --duration T] [--servers LIST] [--concurrency C] [--timeout S] [--json]
  --occupants K    users in the room (2..2000, default 500)
  --rate M         after the joins, posts per second into the room (1..1000; M x K deliveries per second)
  --duration T     seconds of posting at that rate (1..600, default 20)
  --archive        ejabberd and Prosody archive every room message (MAM), as Parley always does
  --servers LIST   comma-separated, from ${SERVER_KINDS.join(',')} (default: parley,ejabberd,prosody)
  --concurrency C  logins and joins in flight at once (1..64, default 16)
  --timeout S      bound of each phase in seconds (10..1800, default 300)
  --parley-root D  run the Parley of another checkout (e.g. main, for a before/after)`;

const started: ServerUnderTest[] = [];
let workDir: string | undefined;

async function stopAll(): Promise<void> {
  for (const server of started.splice(0).reverse()) {
    log(`stopping ${server.name}`);
    await server.stop().catch((error: unknown) => log(`stopping ${server.name} failed: ${String(error)}`));
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}

function start(kind: ServerKind, ctx: StartContext, root: string, archive: boolean): Promise<ServerUnderTest> {
  switch (kind) {
    case 'parley':
      return startParley(ctx, { root, synchronous: 'full' });
    case 'parley-normal':
      return startParley(ctx, { root, synchronous: 'normal' });
    case 'ejabberd':
      return startEjabberd(ctx, { archive, muc: true });
    case 'prosody':
      return startProsody(ctx, { archive, muc: true });
  }
}

const f = (v: number | null, digits = 1) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits));

function steadyTable(results: readonly MucRunResult[]): string {
  const rows = [
    '| server | posts/s x occupants | posted | deliveries expected / delivered / lost / dup | deliveries/s | p50 / p95 / p99 / max (ms) | server CPU s (per 1k deliveries) | generator CPU % | load avg |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const s = r.steady;
    if (!s) continue;
    const l = s.latencyMs;
    rows.push(
      `| ${r.server} | ${s.rate} x ${r.occupants} | ${s.sent} | ${s.expected} / ${s.delivered} / ${s.lost} / ${s.duplicates} | ${f(s.deliveriesPerS, 0)} | ${f(l.p50)} / ${f(l.p95)} / ${f(l.p99)} / ${f(l.max)} | ${f(s.serverCpuS)} (${f(s.serverCpuSPer1000Deliveries, 3)}) | ${f(s.generatorCpuPct, 0)} | ${r.loadAverage[0]?.toFixed(1) ?? '-'} |`,
    );
  }
  return rows.join('\n');
}

function table(results: readonly MucRunResult[]): string {
  const rows = [
    '| server | occupants | joined | received | login s | grants s | join s | fan-out s | join stanzas | RSS after login MB | peak RSS MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.server}${r.failure ? ` (FAILED: ${r.failure})` : ''} | ${r.occupants} | ${r.joined} | ${r.received} | ${r.loginS.toFixed(1)} | ${r.grantS.toFixed(1)} | ${r.joinS.toFixed(2)} | ${r.fanoutS.toFixed(2)} | ${r.joinStanzas} | ${r.rssMB.afterLogin ?? '?'} | ${r.rssMB.peak ?? '?'} |`,
    );
  }
  return rows.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      occupants: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      servers: { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      'parley-root': { type: 'string' },
      json: { type: 'boolean', default: false },
      archive: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const occupants = bounded('occupants', values.occupants, 2, 2000, 500);
  const concurrency = bounded('concurrency', values.concurrency, 1, 64, 16);
  const phaseTimeoutS = bounded('timeout', values.timeout, 10, 1800, 300);
  const steady =
    values.rate === undefined
      ? undefined
      : {
          rate: bounded('rate', values.rate, 1, 1000, 10),
          durationS: bounded('duration', values.duration, 1, 600, 20),
          graceS: 20,
        };
  const kinds = (values.servers ?? 'parley,ejabberd,prosody').split(',').filter(Boolean);
  for (const kind of kinds) {
    if (!(SERVER_KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown server ${kind}`);
  }
  workDir = mkdtempSync(path.join(tmpdir(), 'parley-muc-bench-'));
  const domain = 'localhost';
  const { certFile, keyFile } = makeCertificate(workDir, domain);
  const password = `bench-${path.basename(workDir).slice(-6)}-password`;
  const accounts: Account[] = Array.from({ length: occupants }, (_, i) => ({ username: `user${i + 1}`, password }));
  const ctx: StartContext = { dir: workDir, domain, accounts, certFile, keyFile, log };
  const results: MucRunResult[] = [];
  for (const kind of kinds as ServerKind[]) {
    log(`starting ${kind} with ${occupants} accounts...`);
    const server = await start(kind, ctx, values['parley-root'] ?? repoRoot, values.archive);
    started.push(server);
    const result = await runMucScenario(
      { name: server.name, host: '127.0.0.1', port: server.port, domain, accounts, pid: () => server.pid() },
      { occupants, concurrency, mechanism: 'SCRAM-SHA-1', phaseTimeoutS, room: 'room', steady },
      log,
    );
    results.push(result);
    started.splice(started.indexOf(server), 1);
    await server.stop();
  }
  const list = cpus();
  const machine = `${list.length} x ${list[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ machine, occupants, concurrency, results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `machine: ${machine}\nroom of ${occupants} over STARTTLS + SCRAM-SHA-1, joins ${concurrency} at a time, <history maxstanzas='0'/>\n\n${table(results)}\n${steady ? `\nsteady posting, ${steady.rate} posts/s for ${steady.durationS} s:\n\n${steadyTable(results)}\n` : ''}`,
  );
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers started by the bench`);
    void stopAll().finally(() => process.exit(130));
  });
}

let code = 0;
try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    log(`error: ${error.message}\n${USAGE}`);
    code = 2;
  } else {
    log(`bench:xmpp-muc failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    code = 1;
  }
} finally {
  await stopAll();
}
process.exit(code);
