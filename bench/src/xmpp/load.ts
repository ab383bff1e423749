/**
 * One load run against one XMPP server (any server: host, port, domain and a
 * list of accounts): K clients log in, bind and send initial presence; client
 * 2i is paired with 2i+1; after one warm-up message per client (not counted:
 * it also creates Parley's direct conversations), they send 1:1 chat messages
 * open loop at R msg/s in total for T seconds. Each body carries its send time,
 * so the recipient measures end-to-end latency (one process, one clock). A
 * message not received within the grace period after the last send is lost.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { mapLimit } from '../fleet';
import { now } from '../recorder';
import { summarize, type Summary } from '../stats';
import { child, XmppClient, XmppError, type Element, type Mechanism } from './client';
import type { Account } from './servers';
import { chatMessage, messageBody, messageNumberOf, parseCpuTicks, parseVmRssBytes, sentAtOf } from './wire';

export interface Endpoint {
  name: string;
  host: string;
  port: number;
  domain: string;
  accounts: readonly Account[];
  /** The server's pid on this machine, for RSS and CPU time; undefined when unknown. */
  pid(): number | undefined;
}

export interface XmppLoadOptions {
  clients: number;
  rate: number;
  durationS: number;
  graceS: number;
  mechanism: Mechanism;
  /** Logins in flight at once. */
  loginConcurrency: number;
}

export interface XmppRunResult {
  server: string;
  loadAverage: number[];
  tls: string;
  loginS: number;
  sent: number;
  delivered: number;
  duplicates: number;
  lost: number;
  /** Stanzas other than our messages that reached the clients during the run (receipts, presence...). */
  otherStanzas: number;
  errors: Record<string, number>;
  disconnects: number;
  sendRate: number;
  deliveredPerS: number;
  latencyMs: Summary;
  rss: {
    beforeLoginMB: number | null;
    afterLoginMB: number | null;
    peakMB: number | null;
    perConnectionKB: number | null;
  };
  /** Server CPU seconds (user + system) from the first send to the end of the drain, per 1000 delivered messages. */
  serverCpuSPer1000: number | null;
  serverCpuS: number | null;
  /** Largest client-side send buffer seen (bytes): a server that stops reading makes it grow. */
  maxClientBufferKB: number;
  /**
   * The load generator's own CPU over the same window, in % of one core. Near 100 the
   * generator (one thread) is the bottleneck, and the run says nothing about the server.
   */
  generatorCpuPct: number;
}

const TICK_MS = 5;
const CLK_TCK = 100; // Linux USER_HZ
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function readRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function readCpuS(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const ticks = parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return ticks === undefined ? undefined : ticks / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** This process's CPU (user + system) since `start`, in % of one core over `wallMs`. */
export function cpuPercentSince(start: NodeJS.CpuUsage, wallMs: number): number {
  const used = process.cpuUsage(start);
  return wallMs > 0 ? ((used.user + used.system) / 1000 / wallMs) * 100 : Number.NaN;
}

const toMB = (bytes: number | undefined) => (bytes === undefined ? null : bytes / 2 ** 20);

class Counters {
  delivered = 0;
  duplicates = 0;
  other = 0;
  warm = 0;
  disconnects = 0;
  lastDeliveryAt = 0;
  readonly latencies: number[] = [];
  readonly errors = new Map<string, number>();
  constructor(readonly seen: Uint8Array) {}
  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }
}

function onStanza(stanza: Element, tag: string, counters: Counters, client: XmppClient): void {
  if (stanza.name === 'message') {
    if (stanza.attrs.type === 'error') {
      counters.error(`message-error:${child(stanza, 'error')?.children[0]?.name ?? '?'}`);
      return;
    }
    const body = child(stanza, 'body')?.text;
    if (body === undefined) {
      counters.other += 1;
      return;
    }
    if (body.startsWith(`warm-${tag} `)) {
      counters.warm += 1;
      return;
    }
    const sentAt = sentAtOf(body, tag);
    const n = messageNumberOf(body);
    if (sentAt === undefined || n === undefined || n >= counters.seen.length) {
      counters.other += 1;
      return;
    }
    if (counters.seen[n]) {
      counters.duplicates += 1;
      return;
    }
    counters.seen[n] = 1;
    const at = now();
    counters.delivered += 1;
    counters.latencies.push(at - sentAt);
    counters.lastDeliveryAt = at;
    return;
  }
  if (stanza.name === 'iq' && (stanza.attrs.type === 'get' || stanza.attrs.type === 'set')) {
    // Answer server pings; refuse anything else politely.
    const id = stanza.attrs.id ?? '';
    const to = stanza.attrs.from ? ` to='${stanza.attrs.from}'` : '';
    if (child(stanza, 'ping')) client.write(`<iq type='result' id='${id}'${to}/>`);
    else {
      client.write(
        `<iq type='error' id='${id}'${to}><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
      );
    }
    return;
  }
  counters.other += 1;
}

export async function runXmppLoad(
  endpoint: Endpoint,
  options: XmppLoadOptions,
  log: (line: string) => void,
): Promise<XmppRunResult> {
  if (endpoint.accounts.length < options.clients) {
    throw new Error(
      `${endpoint.name}: ${options.clients} clients need as many accounts, got ${endpoint.accounts.length}`,
    );
  }
  const tag = `x${randomBytes(4).toString('hex')}`;
  const total = options.rate * options.durationS;
  const counters = new Counters(new Uint8Array(total));
  const scramCache = new Map<string, Buffer>();
  const clients: XmppClient[] = [];
  const jids = endpoint.accounts.slice(0, options.clients).map((a) => `${a.username}@${endpoint.domain}`);
  let tls = '';
  try {
    const rssBefore = readRss(endpoint.pid());
    let t = now();
    let loggedIn = 0;
    await mapLimit(
      Array.from({ length: options.clients }, (_, i) => i),
      options.loginConcurrency,
      async (i) => {
        const account = endpoint.accounts[i]!;
        const client = new XmppClient({
          host: endpoint.host,
          port: endpoint.port,
          domain: endpoint.domain,
          username: account.username,
          password: account.password,
          resource: 'bench',
          mechanism: options.mechanism,
          timeoutMs: 60_000,
          scramCache,
        });
        client.onStanza = (stanza) => onStanza(stanza, tag, counters, client);
        client.onClose = (reason) => {
          counters.disconnects += 1;
          counters.error(`disconnect:${reason}`);
        };
        clients[i] = client;
        try {
          await client.login();
        } catch (error) {
          const code = error instanceof XmppError ? error.code : error instanceof Error ? error.message : 'unknown';
          throw new Error(`${endpoint.name}: login of ${account.username} failed: ${code}`, { cause: error });
        }
        if (i === 0) tls = client.tlsDescription;
        if (++loggedIn % 100 === 0) log(`${endpoint.name}: logged in ${loggedIn}/${options.clients}`);
      },
    );
    const loginS = (now() - t) / 1000;
    // Warm-up: one message from each client to its peer, waited for (bounded). Stanza ids are
    // unique to the run, as a random-id client's are: Parley takes a stanza id as the message's
    // client id for good (idempotent resend), so a reused id is refused (`conflict`) or dropped.
    for (let i = 0; i < options.clients; i++) {
      clients[i]!.write(chatMessage(jids[i ^ 1]!, `${tag}-w${i}`, `warm-${tag} ${i}`));
    }
    t = now();
    while (counters.warm < options.clients && now() - t < 30_000) await sleep(50);
    if (counters.warm < options.clients)
      log(`${endpoint.name}: only ${counters.warm}/${options.clients} warm-up messages arrived`);
    await sleep(500);
    const rssAfter = readRss(endpoint.pid());
    let peak = rssAfter ?? 0;
    let maxBuffer = 0;
    counters.other = 0;
    const cpuStart = readCpuS(endpoint.pid());
    const generatorStart = process.cpuUsage();
    const start = now();
    let sent = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, readRss(endpoint.pid()) ?? 0);
      for (const c of clients) maxBuffer = Math.max(maxBuffer, c.bufferedBytes);
      log(
        `${endpoint.name}: t=${((now() - start) / 1000).toFixed(0)}s sent=${sent} delivered=${counters.delivered} errors=${[...counters.errors.values()].reduce((a, b) => a + b, 0)}`,
      );
    }, 1000);
    try {
      while (sent < total) {
        const due = Math.min(total, Math.floor(((now() - start) / 1000) * options.rate));
        while (sent < due) {
          const n = sent++;
          const from = n % options.clients;
          const sentAt = now();
          clients[from]!.write(chatMessage(jids[from ^ 1]!, `${tag}-m${n}`, messageBody(tag, n, sentAt)));
        }
        await sleep(TICK_MS);
      }
      const sendEnd = now();
      while (counters.delivered < sent && now() - sendEnd < options.graceS * 1000) await sleep(50);
    } finally {
      clearInterval(sampler);
    }
    const cpuEnd = readCpuS(endpoint.pid());
    const generatorCpuPct = cpuPercentSince(generatorStart, now() - start);
    peak = Math.max(peak, readRss(endpoint.pid()) ?? 0);
    const end = Math.max(counters.lastDeliveryAt, start + 1);
    const serverCpuS = cpuStart === undefined || cpuEnd === undefined ? null : cpuEnd - cpuStart;
    return {
      server: endpoint.name,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      tls,
      loginS,
      sent,
      delivered: counters.delivered,
      duplicates: counters.duplicates,
      lost: sent - counters.delivered,
      otherStanzas: counters.other,
      errors: Object.fromEntries(counters.errors),
      disconnects: counters.disconnects,
      sendRate: sent / options.durationS,
      deliveredPerS: counters.delivered / ((end - start) / 1000),
      latencyMs: summarize(counters.latencies),
      rss: {
        beforeLoginMB: toMB(rssBefore),
        afterLoginMB: toMB(rssAfter),
        peakMB: peak === 0 ? null : toMB(peak),
        perConnectionKB:
          rssBefore === undefined || rssAfter === undefined ? null : (rssAfter - rssBefore) / 1024 / options.clients,
      },
      serverCpuS,
      serverCpuSPer1000:
        serverCpuS === null || counters.delivered === 0 ? null : (serverCpuS / counters.delivered) * 1000,
      maxClientBufferKB: maxBuffer / 1024,
      generatorCpuPct,
    };
  } finally {
    for (const c of clients) c?.close();
    await sleep(1000);
    for (const c of clients) c?.destroy();
  }
}
