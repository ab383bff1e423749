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
import { runOpenLoop, sleep } from './open-loop';
import { now, Recorder } from './recorder';
import { formatTable, machine, type LoadReport } from './report';
import { summarize } from './stats';
import { external, startInProcess, type Target } from './target';

const log = (line: string) => process.stderr.write(`${line}\n`);
const toMB = (bytes: number | undefined) => (bytes === undefined ? null : bytes / 2 ** 20);

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

/** Sends at the target rate for the duration, spread over the pairs; returns when the first send was due. */
function sendLoad(peers: readonly Peer[], options: LoadOptions, recorder: Recorder): Promise<number> {
  return runOpenLoop(recorder, {
    rate: options.rate,
    durationS: options.durationS,
    send: (n, text) => {
      const peer = peers[n % peers.length]!;
      return peer.client.messages.send(peer.conversationId, text);
    },
    deliveriesPerMessage: 1,
    progress: (elapsedS) =>
      `t=${elapsedS.toFixed(0)}s sent=${recorder.sent} acked=${recorder.acked} delivered=${recorder.delivered} errors=${recorder.errorCount()}`,
  });
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
