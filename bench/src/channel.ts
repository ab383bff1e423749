/**
 * `npm run bench:channel -- --connected N --members M --rate R --duration T [--rounds K] [--json]`:
 * channel fan-out. One in-process server; a channel with M members of whom N are
 * connected SDK clients (the rest exist only in the store, added in bulk); one
 * poster sends R messages per second for T seconds, open loop. It reports, for
 * the deliveries to the N connected members, latency percentiles (send to the
 * member's `message` event) and deliveries per second, and the poster's ack
 * latency. The same load also runs against a second channel whose only members
 * are the N connected ones, in the same process and run, alternating with the
 * first in K rounds, so the report can state the ratio: what the M - N members
 * who are not connected cost a post (nothing, if fan-out goes by subscription).
 * Progress goes to stderr, the report to stdout.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore, loadConfig, startServer, type RunningServer, type Store } from '@parley/server';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import { parseChannelOptions, UsageError, USAGE, type ChannelOptions } from './channel-options';
import { mapLimit } from './fleet';
import { runOpenLoop, sleep } from './open-loop';
import { now, Recorder } from './recorder';
import { machine, type LoadReport } from './report';
import { summarize, type Summary } from './stats';

interface PhaseReport {
  channelMembers: number;
  connected: number;
  sent: number;
  acked: number;
  /** Deliveries expected: acked posts x connected members. */
  expectedDeliveries: number;
  delivered: number;
  failedSends: number;
  /** Deliveries to connected members per second, from the first post to the last delivery. */
  deliveriesPerS: number;
  latencyMs: { delivery: Summary; ack: Summary };
  /** Frames the server received per acknowledged post, by type: what each post costs besides itself. */
  framesPerPost: Record<string, number>;
}

interface PhaseSamples {
  sent: number;
  acked: number;
  expected: number;
  delivered: number;
  failed: number;
  seconds: number;
  deliveryMs: number[];
  ackMs: number[];
  /** Frames the server received during the phase, by type (receipts, sends...). */
  frames: Record<string, number>;
}

interface ChannelReport {
  config: Omit<ChannelOptions, 'json'> & { synchronous: string };
  machine: LoadReport['machine'];
  setupS: { fixtureUsers: number; addMembers: number; register: number; connect: number };
  large: PhaseReport;
  small: PhaseReport;
  /** large / small: 1.0 means the members who are not connected cost nothing. */
  ratios: { deliveryP50: number; deliveryP95: number; deliveryP99: number; ackP50: number; deliveriesPerS: number };
}

/** WebSocket frames the server received so far, by type (from its /metrics). */
async function framesByType(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^parley_ws_frames_total\{type="([^"]+)"\} (\d+(?:\.\d+)?)$/gm)) {
    counts[match[1]!] = Number(match[2]);
  }
  return counts;
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([type, n]) => [type, n - (before[type] ?? 0)]));
}

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Member {
  client: ParleyClient;
  userId: string;
}

async function register(url: string, run: string, count: number): Promise<Member[]> {
  let done = 0;
  return mapLimit(
    Array.from({ length: count }, (_, i) => i),
    8,
    async (index) => {
      const client = createNodeClient({ baseUrl: url, httpTimeoutMs: 120_000, connectTimeoutMs: 60_000 });
      const { user } = await client.register({ username: `ch${run}-${index}`, password: `bench-${run}-password` });
      if (++done % 100 === 0) log(`registered ${done}/${count}`);
      return { client, userId: user.id };
    },
  );
}

/** Users who never log in: created through the store in one transaction. */
async function fixtureUsers(store: Store, run: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `u_fx${run}${i}`);
  await store.transaction(async (tx) => {
    for (const [i, id] of ids.entries()) {
      await tx.createUser({ id, username: `fx${run}${i}`, displayName: id, passwordHash: 'x', createdAt: Date.now() });
    }
  });
  return ids;
}

async function newChannel(store: Store, ownerId: string, memberIds: readonly string[]): Promise<string> {
  const id = `c_bench${randomBytes(6).toString('hex')}`;
  const at = Date.now();
  await store.createConversation(
    { id, kind: 'channel', title: id, directKey: null, createdAt: at, visibility: 'public', postPolicy: 'admins' },
    [{ userId: ownerId, role: 'owner' }],
  );
  await store.addMembers(
    id,
    memberIds.map((userId) => ({ userId, role: 'member' as const })),
    at,
  );
  return id;
}

async function phase(
  url: string,
  poster: Member,
  members: readonly Member[],
  channelId: string,
  channelMembers: number,
  options: ChannelOptions,
): Promise<PhaseSamples> {
  const recorder = new Recorder(`chan-${randomBytes(3).toString('hex')}`);
  const offs = members.map((member) =>
    member.client.on('message', (message) => {
      if (message.conversationId === channelId && message.content.type === 'text') {
        recorder.received(message.content.text, now());
      }
    }),
  );
  const framesBefore = await framesByType(url);
  const start = await runOpenLoop(recorder, {
    rate: options.rate,
    durationS: options.durationS,
    send: (_n, text) => poster.client.messages.send(channelId, text),
    deliveriesPerMessage: members.length,
    progress: (elapsedS) =>
      `  t=${elapsedS.toFixed(0)}s sent=${recorder.sent} acked=${recorder.acked} delivered=${recorder.delivered}`,
  }).finally(() => {
    for (const off of offs) off();
  });
  return {
    sent: recorder.sent,
    acked: recorder.acked,
    expected: recorder.acked * members.length,
    delivered: recorder.delivered,
    failed: recorder.failed,
    seconds: (Math.max(recorder.lastDeliveryAt, start + 1) - start) / 1000,
    deliveryMs: recorder.e2eMs,
    ackMs: recorder.ackMs,
    frames: difference(await framesByType(url), framesBefore),
  };
}

function perPost(phases: readonly PhaseSamples[]): Record<string, number> {
  const acked = phases.reduce((total, p) => total + p.acked, 0);
  const totals: Record<string, number> = {};
  for (const p of phases) for (const [type, n] of Object.entries(p.frames)) totals[type] = (totals[type] ?? 0) + n;
  return Object.fromEntries(
    Object.entries(totals)
      .filter(([, n]) => n > 0)
      .map(([type, n]) => [type, Math.round((n / Math.max(1, acked)) * 10) / 10]),
  );
}

/** Several phases of one channel, as one report. */
function merge(channelMembers: number, connected: number, phases: readonly PhaseSamples[]): PhaseReport {
  const sum = (pick: (p: PhaseSamples) => number) => phases.reduce((total, p) => total + pick(p), 0);
  return {
    channelMembers,
    connected,
    sent: sum((p) => p.sent),
    acked: sum((p) => p.acked),
    expectedDeliveries: sum((p) => p.expected),
    delivered: sum((p) => p.delivered),
    failedSends: sum((p) => p.failed),
    deliveriesPerS: sum((p) => p.delivered) / sum((p) => p.seconds),
    latencyMs: {
      delivery: summarize(phases.flatMap((p) => p.deliveryMs)),
      ack: summarize(phases.flatMap((p) => p.ackMs)),
    },
    framesPerPost: perPost(phases),
  };
}

async function run(options: ChannelOptions): Promise<ChannelReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-channel-'));
  const sqlitePath = path.join(dir, 'parley.db');
  const config = loadConfig(process.env, {
    host: '127.0.0.1',
    port: 0,
    dataDir: dir,
    sqlitePath,
    logLevel: 'warn',
    xmppPort: -1,
    authAttemptsPerMinute: 100_000,
    framesPerSecond: 100_000,
  });
  const store = await createStore({
    db: 'sqlite',
    sqlitePath,
    synchronous: config.sqliteSynchronous,
    thread: config.sqliteThread,
  });
  let server: RunningServer | undefined;
  const everyone: Member[] = [];
  try {
    server = await startServer(config, { store });
    const run = randomBytes(3).toString('hex');
    let t = now();
    const registered = await register(server.url, run, options.connected + 1);
    everyone.push(...registered);
    const [poster, ...members] = registered as [Member, ...Member[]];
    const registerS = (now() - t) / 1000;

    t = now();
    const others = await fixtureUsers(store, run, options.members - options.connected - 1);
    const fixtureS = (now() - t) / 1000;
    log(`created ${others.length} fixture users in ${fixtureS.toFixed(1)} s`);
    t = now();
    const connectedIds = members.map((m) => m.userId);
    const large = await newChannel(store, poster.userId, [...connectedIds, ...others]);
    const small = await newChannel(store, poster.userId, connectedIds);
    const addS = (now() - t) / 1000;
    log(`added ${options.members} + ${options.connected + 1} members in ${addS.toFixed(1)} s`);

    t = now();
    let connected = 0;
    await mapLimit(registered, 32, async (member) => {
      await member.client.connect();
      if (++connected % 200 === 0) log(`connected ${connected}/${registered.length}`);
    });
    const connectS = (now() - t) / 1000;
    await sleep(1000);

    // Unmeasured warm-up in both channels (JIT, prepared statements, the WAL checkpoint after the bulk writes).
    const warmUp = { ...options, durationS: 2 };
    log('warm-up');
    await phase(server.url, poster, members, small, options.connected + 1, warmUp);
    await phase(server.url, poster, members, large, options.members, warmUp);
    await sleep(1000);
    // Rounds alternate the two channels, so that a busy moment of a shared machine falls on both alike.
    const smallPhases: PhaseSamples[] = [];
    const largePhases: PhaseSamples[] = [];
    // Odd rounds start with the small channel, even ones with the large: neither always goes second.
    const plan: { id: string; size: number; into: PhaseSamples[] }[] = [
      { id: small, size: options.connected + 1, into: smallPhases },
      { id: large, size: options.members, into: largePhases },
    ];
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const step of round % 2 === 1 ? plan : [...plan].reverse()) {
        const samples = await phase(server.url, poster, members, step.id, step.size, options);
        const d = summarize(samples.deliveryMs);
        log(
          `round ${round}/${options.rounds}, channel of ${step.size}: delivery p50 ${d.p50.toFixed(1)} ms, p95 ${d.p95.toFixed(1)} ms`,
        );
        step.into.push(samples);
        await sleep(500);
      }
    }
    const smallReport = merge(options.connected + 1, options.connected, smallPhases);
    const largeReport = merge(options.members, options.connected, largePhases);
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const { delivery: dl, ack: al } = largeReport.latencyMs;
    const { delivery: ds, ack: as } = smallReport.latencyMs;
    return {
      config: {
        connected: options.connected,
        members: options.members,
        rate: options.rate,
        durationS: options.durationS,
        rounds: options.rounds,
        synchronous: config.sqliteSynchronous,
      },
      machine: machine(),
      setupS: { fixtureUsers: fixtureS, addMembers: addS, register: registerS, connect: connectS },
      large: largeReport,
      small: smallReport,
      ratios: {
        deliveryP50: ratio(dl.p50, ds.p50),
        deliveryP95: ratio(dl.p95, ds.p95),
        deliveryP99: ratio(dl.p99, ds.p99),
        ackP50: ratio(al.p50, as.p50),
        deliveriesPerS: ratio(largeReport.deliveriesPerS, smallReport.deliveriesPerS),
      },
    };
  } finally {
    for (const member of everyone) member.client.close();
    // stop() closes the store it was given.
    if (server) await server.stop();
    else await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function formatReport(report: ChannelReport): string {
  const ms = (s: Summary) => `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)} / ${s.p99.toFixed(1)}`;
  const row = (p: PhaseReport) =>
    `| ${p.channelMembers} | ${p.connected} | ${p.sent} / ${p.acked} | ${p.delivered} / ${p.expectedDeliveries} | ${Math.round(p.deliveriesPerS)} | ${ms(p.latencyMs.delivery)} | ${ms(p.latencyMs.ack)} |`;
  const r = report.ratios;
  return [
    `channel fan-out: ${report.config.rate} posts/s, ${report.config.rounds} rounds of ${report.config.durationS} s per channel, synchronous=${report.config.synchronous}, load average ${report.machine.loadAverage.join(' ')}`,
    '',
    '| members | connected | sent / acked | delivered / expected | deliveries/s | delivery p50 / p95 / p99 (ms) | ack p50 / p95 / p99 (ms) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row(report.small),
    row(report.large),
    '',
    `ratios (large / small): delivery p50 ${r.deliveryP50}, p95 ${r.deliveryP95}, p99 ${r.deliveryP99}; ack p50 ${r.ackP50}; deliveries/s ${r.deliveriesPerS}`,
    `frames received per post: ${Object.entries(report.large.framesPerPost)
      .map(([type, n]) => `${type} ${n}`)
      .join(', ')} (large channel); ${Object.entries(report.small.framesPerPost)
      .map(([type, n]) => `${type} ${n}`)
      .join(', ')} (small)`,
    `setup: ${report.setupS.fixtureUsers.toFixed(1)} s fixture users, ${report.setupS.addMembers.toFixed(1)} s adding members, ${report.setupS.register.toFixed(1)} s registering, ${report.setupS.connect.toFixed(1)} s connecting`,
  ].join('\n');
}

try {
  const options = parseChannelOptions(process.argv.slice(2));
  const report = await run(options);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  process.exit(0);
} catch (error) {
  if (error instanceof UsageError) {
    log(`error: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
