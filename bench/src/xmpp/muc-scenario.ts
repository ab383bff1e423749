/**
 * One XEP-0045 room of K occupants on one XMPP server (any server: host, port,
 * domain, accounts): the first user joins a new room (creating it) and submits
 * the instant-room form (10.1.2), grants the others membership one `muc#admin`
 * request at a time (9.3), then all of them join with `<history maxstanzas='0'/>`,
 * `concurrency` at a time; a join ends with the joiner's self-presence (status
 * 110). Then the owner posts one message and every occupant must receive it.
 * With a `steady` rate, occupants in turn then post M messages per second for T
 * seconds (each reaches all K occupants, the sender's own echo included: M x K
 * deliveries per second); every delivery's latency is measured (the body carries
 * its send time; one process, one clock), with the server's CPU per 1,000
 * deliveries and the generator's own CPU. Every phase is bounded in time; the
 * server's RSS is sampled throughout.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { mapLimit } from '../fleet';
import { now } from '../recorder';
import { summarize, type Summary } from '../stats';
import { child, XmppClient, type Element, type Mechanism } from './client';
import { cpuPercentSince, readCpuS } from './load';
import type { Account } from './servers';
import { escapeXml, messageBody, messageNumberOf, parseVmRssBytes, sentAtOf } from './wire';

const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';

export interface MucEndpoint {
  name: string;
  host: string;
  port: number;
  domain: string;
  accounts: readonly Account[];
  pid(): number | undefined;
}

export interface MucOptions {
  occupants: number;
  concurrency: number;
  mechanism: Mechanism;
  /** Bound of each phase, in seconds. */
  phaseTimeoutS: number;
  room: string;
  /** Runs after the joins, before the post (a test adds occupants of its own here). */
  beforePost?: (roomJid: string) => Promise<void>;
  /** Posts per second into the room after the first post, for `durationS`; none when absent. */
  steady?: { rate: number; durationS: number; graceS: number };
}

export interface SteadyResult {
  rate: number;
  durationS: number;
  sent: number;
  /** Deliveries expected: every post to every occupant (its sender's echo included). */
  expected: number;
  delivered: number;
  duplicates: number;
  lost: number;
  deliveriesPerS: number;
  latencyMs: Summary;
  serverCpuS: number | null;
  serverCpuSPer1000Deliveries: number | null;
  /** The generator's CPU in % of one core (near 100: the generator, not the server, is the limit). */
  generatorCpuPct: number;
}

export interface MucRunResult {
  server: string;
  loadAverage: number[];
  occupants: number;
  loginS: number;
  createS: number;
  grantS: number;
  joinS: number;
  /** From the post to the last occupant receiving it. */
  fanoutS: number;
  joined: number;
  received: number;
  /** Stanzas the clients received during the joins (occupant lists, presence). */
  joinStanzas: number;
  /** The body of the post every occupant must receive. */
  body: string;
  rssMB: { afterLogin: number | null; peak: number | null; end: number | null };
  steady?: SteadyResult;
  failure?: string;
}

const mb = (bytes: number | undefined) => (bytes === undefined ? null : Math.round(bytes / 2 ** 20));

function readRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A client with waiters: `expect` resolves on the first stanza that matches, or rejects at its deadline. */
class Occupant {
  readonly client: XmppClient;
  stanzas = 0;
  /** Set during the steady phase: counts its groupchat deliveries. */
  onGroupchat: ((body: string) => void) | undefined;
  private waiters: { match: (s: Element) => boolean; resolve: (s: Element) => void }[] = [];
  closed: string | undefined;

  constructor(options: ConstructorParameters<typeof XmppClient>[0]) {
    this.client = new XmppClient(options);
    this.client.onStanza = (stanza) => {
      this.stanzas++;
      if (this.onGroupchat && stanza.name === 'message' && stanza.attrs.type === 'groupchat') {
        const body = child(stanza, 'body')?.text;
        if (body !== undefined) this.onGroupchat(body);
      }
      const found = this.waiters.findIndex((w) => w.match(stanza));
      if (found >= 0) this.waiters.splice(found, 1)[0]?.resolve(stanza);
    };
    this.client.onClose = (reason) => (this.closed = reason);
  }

  expect(match: (s: Element) => boolean, timeoutMs: number, what: string): Promise<Element> {
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (s: Element) => {
          clearTimeout(timer);
          resolve(s);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${what}: nothing within ${timeoutMs} ms${this.closed ? ` (closed: ${this.closed})` : ''}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Sends an IQ and waits for its result; an error answer rejects. */
  async iq(stanza: string, id: string, timeoutMs: number): Promise<Element> {
    const answer = this.expect((s) => s.name === 'iq' && s.attrs.id === id, timeoutMs, `iq ${id}`);
    this.client.write(stanza);
    const result = await answer;
    if (result.attrs.type !== 'result') {
      throw new Error(`iq ${id}: ${child(result, 'error')?.children[0]?.name ?? result.attrs.type ?? '?'}`);
    }
    return result;
  }
}

function isSelfPresence(room: string, s: Element): boolean {
  if (s.name !== 'presence' || !s.attrs.from?.startsWith(`${room}/`)) return false;
  if (s.attrs.type === 'error') return true;
  const x = s.children.find((c) => c.name === 'x' && c.attrs.xmlns === NS_MUC_USER);
  return x?.children.some((c) => c.name === 'status' && c.attrs.code === '110') ?? false;
}

function joinPresence(roomJid: string, nick: string, history: boolean): string {
  const inner = history ? '' : `<history maxstanzas='0'/>`;
  return `<presence to='${escapeXml(`${roomJid}/${nick}`)}'><x xmlns='${NS_MUC}'>${inner}</x></presence>`;
}

export async function runMucScenario(
  endpoint: MucEndpoint,
  options: MucOptions,
  log: (line: string) => void,
): Promise<MucRunResult> {
  const timeoutMs = options.phaseTimeoutS * 1000;
  const roomJid = `${options.room}@conference.${endpoint.domain}`;
  const accounts = endpoint.accounts.slice(0, options.occupants);
  const scramCache = new Map<string, Buffer>();
  const result: MucRunResult = {
    server: endpoint.name,
    loadAverage: loadavg(),
    occupants: accounts.length,
    loginS: 0,
    createS: 0,
    grantS: 0,
    joinS: 0,
    fanoutS: 0,
    joined: 0,
    received: 0,
    joinStanzas: 0,
    body: `hello room ${Date.now()}`,
    rssMB: { afterLogin: null, peak: null, end: null },
  };
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, readRss(endpoint.pid()) ?? 0)), 100);
  const occupants = accounts.map(
    (a, i) =>
      new Occupant({
        host: endpoint.host,
        port: endpoint.port,
        domain: endpoint.domain,
        username: a.username,
        password: a.password,
        resource: `muc${i}`,
        mechanism: options.mechanism,
        timeoutMs,
        scramCache,
      }),
  );
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<number> => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        work(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${name}: over ${options.phaseTimeoutS} s`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    const seconds = (performance.now() - started) / 1000;
    log(`${endpoint.name}: ${name} in ${seconds.toFixed(2)} s (server RSS ${mb(readRss(endpoint.pid())) ?? '?'} MB)`);
    return seconds;
  };
  try {
    result.loginS = await phase('login', () => mapLimit(occupants, options.concurrency, (o) => o.client.login()));
    result.rssMB.afterLogin = mb(readRss(endpoint.pid()));
    const [owner, ...others] = occupants;
    if (!owner) throw new Error('no occupants');
    const ownerNick = accounts[0]?.username ?? 'owner';
    result.createS = await phase('create (instant room)', async () => {
      const self = owner.expect((s) => isSelfPresence(roomJid, s), timeoutMs, 'owner self-presence');
      owner.client.write(joinPresence(roomJid, ownerNick, false));
      const presence = await self;
      if (presence.attrs.type === 'error') throw new Error('the owner could not create the room');
      await owner.iq(
        `<iq type='set' id='create' to='${roomJid}'><query xmlns='${NS_MUC_OWNER}'><x xmlns='jabber:x:data' type='submit'/></query></iq>`,
        'create',
        timeoutMs,
      );
    });
    result.grantS = await phase(`grant ${others.length} memberships`, async () => {
      for (let i = 0; i < others.length; i++) {
        const jid = `${accounts[i + 1]?.username}@${endpoint.domain}`;
        await owner.iq(
          `<iq type='set' id='grant${i}' to='${roomJid}'><query xmlns='${NS_MUC_ADMIN}'><item affiliation='member' jid='${jid}'/></query></iq>`,
          `grant${i}`,
          timeoutMs,
        );
      }
    });
    const before = occupants.reduce((n, o) => n + o.stanzas, 0);
    result.joinS = await phase(`join ${others.length} occupants`, () =>
      mapLimit(others, options.concurrency, async (o) => {
        const index = occupants.indexOf(o);
        const self = o.expect((s) => isSelfPresence(roomJid, s), timeoutMs, `join of ${index}`);
        o.client.write(joinPresence(roomJid, accounts[index]?.username ?? `u${index}`, false));
        const presence = await self;
        if (presence.attrs.type === 'error') {
          throw new Error(`join of ${index}: ${child(presence, 'error')?.children[0]?.name ?? 'error'}`);
        }
        result.joined++;
      }),
    );
    result.joined++; // the owner
    result.joinStanzas = occupants.reduce((n, o) => n + o.stanzas, 0) - before;
    await options.beforePost?.(roomJid);
    const body = result.body;
    result.fanoutS = await phase('message to every occupant', async () => {
      const all = occupants.map((o) =>
        o
          .expect(
            (s) => s.name === 'message' && s.attrs.type === 'groupchat' && child(s, 'body')?.text === body,
            timeoutMs,
            'groupchat',
          )
          .then(() => result.received++),
      );
      owner.client.write(`<message type='groupchat' to='${roomJid}' id='post1'><body>${body}</body></message>`);
      await Promise.all(all);
    });
    if (options.steady) {
      const steady = options.steady;
      result.steady = await steadyPhase(endpoint, occupants, roomJid, steady, log);
    }
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error);
    log(`${endpoint.name}: FAILED: ${result.failure}`);
  } finally {
    clearInterval(sampler);
    result.rssMB.peak = peak > 0 ? mb(peak) : null;
    result.rssMB.end = mb(readRss(endpoint.pid()));
    for (const o of occupants) o.client.close();
  }
  return result;
}

const TICK_MS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Occupants post in turn, open loop, at `rate` per second; every occupant counts what it receives. */
async function steadyPhase(
  endpoint: MucEndpoint,
  occupants: readonly Occupant[],
  roomJid: string,
  options: { rate: number; durationS: number; graceS: number },
  log: (line: string) => void,
): Promise<SteadyResult> {
  const tag = `r${randomBytes(4).toString('hex')}`;
  const total = Math.round(options.rate * options.durationS);
  const expected = total * occupants.length;
  // One bit per (post, occupant): a second copy is a duplicate.
  const seen = new Uint8Array(expected);
  const latencies: number[] = [];
  let delivered = 0;
  let duplicates = 0;
  occupants.forEach((occupant, index) => {
    occupant.onGroupchat = (body) => {
      const sentAt = sentAtOf(body, tag);
      const n = messageNumberOf(body);
      if (sentAt === undefined || n === undefined || n >= total) return;
      const slot = n * occupants.length + index;
      if (seen[slot]) {
        duplicates++;
        return;
      }
      seen[slot] = 1;
      delivered++;
      latencies.push(now() - sentAt);
    };
  });
  const cpuStart = readCpuS(endpoint.pid());
  const generatorStart = process.cpuUsage();
  const start = now();
  let sent = 0;
  const progress = setInterval(
    () =>
      log(
        `${endpoint.name}: steady t=${((now() - start) / 1000).toFixed(0)}s posted=${sent}/${total} delivered=${delivered}/${sent * occupants.length}`,
      ),
    2000,
  );
  try {
    while (sent < total) {
      const due = Math.min(total, Math.floor(((now() - start) / 1000) * options.rate));
      while (sent < due) {
        const n = sent++;
        const occupant = occupants[n % occupants.length];
        const body = escapeXml(messageBody(tag, n, now()));
        occupant?.client.write(
          `<message type='groupchat' to='${roomJid}' id='${tag}-${n}'><body>${body}</body></message>`,
        );
      }
      await sleep(TICK_MS);
    }
    const sendEnd = now();
    while (delivered < expected && now() - sendEnd < options.graceS * 1000) await sleep(50);
  } finally {
    clearInterval(progress);
    for (const occupant of occupants) occupant.onGroupchat = undefined;
  }
  const wallMs = now() - start;
  const cpuEnd = readCpuS(endpoint.pid());
  const serverCpuS = cpuStart === undefined || cpuEnd === undefined ? null : cpuEnd - cpuStart;
  return {
    rate: options.rate,
    durationS: options.durationS,
    sent,
    expected,
    delivered,
    duplicates,
    lost: expected - delivered,
    deliveriesPerS: delivered / (wallMs / 1000),
    latencyMs: summarize(latencies),
    serverCpuS,
    serverCpuSPer1000Deliveries: serverCpuS === null || delivered === 0 ? null : (serverCpuS / delivered) * 1000,
    generatorCpuPct: cpuPercentSince(generatorStart, wallMs),
  };
}
