/**
 * `npm run bench:retention -- [--messages N] [--batch B] [--json]`: how long retention takes to
 * delete N expired messages (default 100,000) on a SQLite file, and how long the event loop
 * waits meanwhile. The messages (texts in one group, with a search entry each) are written
 * straight into a fresh store dated three days back; then a server on that file runs one
 * retention pass with a one-day policy, PARLEY_RETENTION_BATCH = B (default 50). The
 * report gives the run's duration and rate, each batch's time (from one batch's end to the
 * next's: the query, the deletes and the commit), and the event loop's delay over the run
 * (node:perf_hooks monitorEventLoopDelay, 1 ms resolution): what a request arriving
 * during the run waits at most. Progress goes to stderr, the report to stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createStore, loadConfig, startServer } from '@parley/server';
import { bounded, UsageError } from './options';
import { machine, type LoadReport } from './report';
import { summarize, type Summary } from './stats';

const USAGE = `usage: npm run bench:retention -- [--messages N] [--batch B] [--json]
  --messages N   expired messages to delete (1000..2000000, default 100000)
  --batch B      messages per batch (1..1000, default 50, as PARLEY_RETENTION_BATCH)
  --json         print the report as JSON`;

const DAY = 86_400_000;

interface RetentionBenchReport {
  messages: number;
  batch: number;
  deleted: number;
  batches: number;
  durationMs: number;
  perSecond: number;
  batchMs: Summary;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  machine: LoadReport['machine'];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { messages: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' } },
  });
  const messages = bounded('messages', values.messages, 1000, 2_000_000, 100_000);
  const batch = bounded('batch', values.batch, 1, 1000, 50);
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-retention-'));
  const sqlitePath = path.join(dir, 'parley.db');
  try {
    const old = Date.now() - 3 * DAY;
    const store = await createStore({ db: 'sqlite', sqlitePath, synchronous: 'normal', thread: 'main' });
    await store.createUser({
      id: 'u_bench',
      username: 'bench',
      displayName: 'Bench',
      passwordHash: 'x',
      createdAt: old,
    });
    await store.createConversation({ id: 'c_bench', kind: 'group', title: 'bench', directKey: null, createdAt: old }, [
      { userId: 'u_bench', role: 'owner' },
    ]);
    for (let i = 0; i < messages; i += 1000) {
      await store.transaction(async (tx) => {
        for (let j = i; j < Math.min(messages, i + 1000); j++) {
          await tx.appendMessage({
            id: `m_bench${j}`,
            conversationId: 'c_bench',
            senderId: 'u_bench',
            clientId: `k${j}`,
            content: { type: 'text', text: `message number ${j} with a few words to index` },
            createdAt: old + j,
          });
        }
      });
      if (i % 50_000 === 0) process.stderr.write(`written ${i}\n`);
    }
    await store.close();

    const config = loadConfig(
      {},
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: dir,
        sqlitePath,
        logLevel: 'silent',
        xmppPort: -1,
        retentionIntervalSeconds: 0,
        retentionBatch: batch,
        retentionDays: 1,
      },
    );
    const server = await startServer(config);
    try {
      const actor = { id: null, name: 'bench', address: null };
      const batchMs: number[] = [];
      const delay = monitorEventLoopDelay({ resolution: 1 });
      process.stderr.write(`deleting ${messages} messages in batches of ${batch}\n`);
      const started = performance.now();
      let last = started;
      delay.enable();
      const report = await server.services.retention.run(actor, {
        afterBatch: async () => {
          const now = performance.now();
          batchMs.push(now - last);
          await new Promise<void>((resolve) => setImmediate(resolve));
          last = performance.now();
        },
      });
      delay.disable();
      const durationMs = performance.now() - started;
      const result: RetentionBenchReport = {
        messages,
        batch,
        deleted: report.messages,
        batches: report.batches,
        durationMs: Math.round(durationMs),
        perSecond: Math.round(report.messages / (durationMs / 1000)),
        batchMs: summarize(batchMs),
        eventLoopDelayMs: {
          p50: delay.percentile(50) / 1e6,
          p99: delay.percentile(99) / 1e6,
          max: delay.max / 1e6,
        },
        machine: machine(),
      };
      if (values.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        process.stdout.write(
          `deleted ${result.deleted} of ${messages} in ${result.batches} batches, ${result.durationMs} ms (${result.perSecond}/s)\n` +
            `batch ms: p50 ${result.batchMs.p50.toFixed(1)}, p95 ${result.batchMs.p95.toFixed(1)}, max ${result.batchMs.max.toFixed(1)}\n` +
            `event loop delay ms: p50 ${result.eventLoopDelayMs.p50.toFixed(1)}, p99 ${result.eventLoopDelayMs.p99.toFixed(1)}, max ${result.eventLoopDelayMs.max.toFixed(1)}\n`,
        );
      }
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
