/**
 * `npm run bench -- --clients K --rate R --duration T [--server URL] [--json]`:
 * K SDK clients in direct pairs send 1:1 messages at R msg/s in total for T
 * seconds, open loop (sends follow the clock, not the acks), and the run reports
 * what was sent, acknowledged and delivered, latencies and server memory.
 * Progress goes to stderr every second; the report to stdout.
 */
import { randomBytes } from 'node:crypto';
import { closeFleet, connectFleet, registerFleet, type Peer } from './fleet';
import { parseLoadOptions, UsageError, USAGE, type LoadOptions } from './options';
import { now, Recorder } from './recorder';
import { formatTable, machine, type LoadReport } from './report';
import { summarize } from './stats';
import { external, startInProcess, type Target } from './target';

/** How long to wait after the last send for acks and deliveries; past it, the rest counts as unsettled. */
const DRAIN_TIMEOUT_MS = 30_000;
const TICK_MS = 5;

const log = (line: string) => process.stderr.write(`${line}\n`);
const toMB = (bytes: number | undefined) => (bytes === undefined ? null : bytes / 2 ** 20);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function listen(peers: readonly Peer[], recorder: Recorder): void {
  for (const peer of peers) {
    peer.client.on('message', (message) => {
      if (message.senderId === peer.userId || message.content.type !== 'text') return;
      recorder.received(message.content.text, now());
    });
    peer.client.on('error', (error) => recorder.error(error));
    peer.client.on('state', (state) => {
      if (state.state === 'disconnected') recorder.disconnects += 1;
    });
  }
}

/** Sends at the target rate for the duration; returns when the last message is handed to the SDK. */
async function sendLoad(peers: readonly Peer[], options: LoadOptions, recorder: Recorder): Promise<number> {
  const total = options.rate * options.durationS;
  const start = now();
  const progress = setInterval(() => {
    const elapsed = (now() - start) / 1000;
    log(
      `t=${elapsed.toFixed(0)}s sent=${recorder.sent} acked=${recorder.acked} delivered=${recorder.delivered} errors=${recorder.errorCount()}`,
    );
  }, 1000);
  try {
    while (recorder.sent < total) {
      // Open loop: how many messages the clock says should be out by now. A late tick
      // sends a burst rather than silently lowering the rate.
      const due = Math.min(total, Math.floor(((now() - start) / 1000) * options.rate));
      while (recorder.sent < due) {
        const n = recorder.sent++;
        const peer = peers[n % peers.length]!;
        const sentAt = now();
        peer.client.messages.send(peer.conversationId, recorder.text(n, sentAt)).then(
          () => recorder.ack(sentAt, now()),
          (error: unknown) => {
            recorder.failed += 1;
            recorder.error(error);
          },
        );
      }
      await sleep(TICK_MS);
    }
    // Wait for the stragglers: every send settled and every acked message delivered.
    const drainStart = now();
    while (
      (recorder.acked + recorder.failed < recorder.sent || recorder.delivered < recorder.acked) &&
      now() - drainStart < DRAIN_TIMEOUT_MS
    ) {
      await sleep(50);
    }
  } finally {
    clearInterval(progress);
  }
  return start;
}

async function run(options: LoadOptions): Promise<LoadReport> {
  const target: Target = options.server === undefined ? await startInProcess() : external(options.server);
  log(`bench: ${target.description}`);
  const recorder = new Recorder(`bench-${randomBytes(3).toString('hex')}`);
  let peers: Peer[] = [];
  try {
    let t = now();
    peers = await registerFleet(target.url, options.clients, (done) => {
      if (done % 100 === 0) log(`registered ${done}/${options.clients}`);
    });
    const registerS = (now() - t) / 1000;
    listen(peers, recorder);
    const rssBefore = await target.rssBytes();
    t = now();
    await connectFleet(peers, (done) => {
      if (done % 200 === 0) log(`connected ${done}/${options.clients}`);
    });
    const connectS = (now() - t) / 1000;
    await sleep(1000); // let the post-connect sync and receipts settle before measuring
    const rssAfter = await target.rssBytes();
    let peak = rssAfter ?? 0;
    const sampler = setInterval(() => {
      void target.rssBytes().then((rss) => (peak = Math.max(peak, rss ?? 0)));
    }, 1000);
    const start = await sendLoad(peers, options, recorder).finally(() => clearInterval(sampler));
    const end = Math.max(recorder.lastDeliveryAt, start + 1);
    return {
      config: {
        clients: options.clients,
        rate: options.rate,
        durationS: options.durationS,
        server: target.description,
        synchronous: target.synchronous,
      },
      machine: machine(),
      setupS: { register: registerS, connect: connectS },
      sent: recorder.sent,
      acked: recorder.acked,
      delivered: recorder.delivered,
      failedSends: recorder.failed,
      unsettled: recorder.sent - recorder.acked - recorder.failed,
      disconnects: recorder.disconnects,
      errors: Object.fromEntries(recorder.errors),
      sendRate: recorder.sent / options.durationS,
      deliveredPerS: recorder.delivered / ((end - start) / 1000),
      latencyMs: { endToEnd: summarize(recorder.e2eMs), ack: summarize(recorder.ackMs) },
      memory: {
        rssBeforeConnectMB: toMB(rssBefore),
        rssAfterConnectMB: toMB(rssAfter),
        perConnectionKB:
          rssBefore === undefined || rssAfter === undefined ? null : (rssAfter - rssBefore) / 1024 / options.clients,
        peakRssMB: peak === 0 ? null : toMB(peak),
        note: target.inProcess
          ? 'in-process: server and client sides of each connection together'
          : 'server process only, from /metrics',
      },
    };
  } finally {
    closeFleet(peers);
    await target.stop();
  }
}

try {
  const options = parseLoadOptions(process.argv.slice(2));
  const report = await run(options);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatTable(report)}\n`);
  // Sockets of closed clients may linger for a moment; the report is out, so leave.
  process.exit(0);
} catch (error) {
  if (error instanceof UsageError) {
    log(`error: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  log(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
