/**
 * `npm run bench:presend-hook -- [--messages N] [--json]`: the latency a pre-send hook that
 * answers at once adds to a send (ADR 0030; goal: under 5 ms at p99). One server on a fresh
 * SQLite file, one SDK client over WebSocket sending N messages one after the other into a
 * group and timing each from send() to its ack, in blocks of 100 alternating without and with
 * a hook enabled (so that drift of the machine affects both alike). The hook is a plain HTTP
 * server in a child process on loopback (allowed with PARLEY_OUTBOUND_ALLOW) that verifies
 * nothing and answers `{"action":"allow"}` at once. The report gives both distributions and
 * the differences of their percentiles, with the machine's load average. Progress goes to
 * stderr, the report to stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createNodeClient } from '@parley/sdk/node';
import { loadConfig, startServer } from '@parley/server';
import { bounded } from './options';
import { machine, type LoadReport } from './report';
import { summarize, type Summary } from './stats';

const BLOCK = 100;
const WARMUP = 200;

const HOOK_SCRIPT = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"action":"allow"}'));
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

interface PresendBenchReport {
  messages: number;
  withoutHookMs: Summary;
  withHookMs: Summary;
  addedMs: { p50: number; p99: number };
  machine: LoadReport['machine'];
}

function startHook(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', HOOK_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the hook did not start in 10 s')), 10_000);
    child.stdout.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve({ child, port: Number(chunk.toString().trim()) });
    });
  });
}

const round = (v: number) => Math.round(v * 1000) / 1000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { messages: { type: 'string' }, json: { type: 'boolean' } } });
  const messages = bounded('messages', values.messages, 200, 100_000, 4000);
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-presend-'));
  const hook = await startHook();
  const server = await startServer(
    loadConfig(
      {},
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: dir,
        sqlitePath: path.join(dir, 'parley.db'),
        logLevel: 'silent',
        xmppPort: -1,
        outboundAllow: 'loopback',
        framesPerSecond: 100_000,
      },
    ),
  );
  const client = createNodeClient({ baseUrl: server.url });
  try {
    await client.register({ username: 'bench', password: 'correct horse battery' });
    await client.connect();
    const group = await client.conversations.createGroup('bench', []);
    const { hook: created } = await server.services.admin
      .asCli()
      .addPresendHook({ url: `http://127.0.0.1:${hook.port}/hook`, enabled: false });
    const setHook = (enabled: boolean) => server.services.admin.asCli().updatePresendHook(created.id, { enabled });
    const time = async (n: number, into?: number[]) => {
      for (let i = 0; i < n; i += 1) {
        const started = performance.now();
        await client.messages.send(group.id, `message ${i}`);
        into?.push(performance.now() - started);
      }
    };
    process.stderr.write(`warming up (${WARMUP} sends each way)\n`);
    await time(WARMUP);
    await setHook(true);
    await time(WARMUP);
    const without: number[] = [];
    const withHook: number[] = [];
    for (let done = 0; done < messages; done += BLOCK) {
      await setHook(false);
      await time(BLOCK, without);
      await setHook(true);
      await time(BLOCK, withHook);
      process.stderr.write(`\r${done + BLOCK} / ${messages}`);
    }
    process.stderr.write('\n');
    const a = summarize(without);
    const b = summarize(withHook);
    const report: PresendBenchReport = {
      messages,
      withoutHookMs: a,
      withHookMs: b,
      addedMs: { p50: round(b.p50 - a.p50), p99: round(b.p99 - a.p99) },
      machine: machine(),
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const line = (name: string, s: Summary) =>
      `${name.padEnd(14)} p50 ${s.p50.toFixed(2)} ms  p95 ${s.p95.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  max ${s.max.toFixed(2)} ms  (${s.count} sends)`;
    const m = report.machine;
    process.stdout.write(
      [
        `machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGB} GB, Node ${m.node}, load ${m.loadAverage.join(' ')}`,
        line('without hook', a),
        line('with hook', b),
        `added by the hook: p50 ${report.addedMs.p50.toFixed(2)} ms, p99 ${report.addedMs.p99.toFixed(2)} ms`,
        '',
      ].join('\n'),
    );
  } finally {
    client.close();
    await server.stop();
    hook.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
