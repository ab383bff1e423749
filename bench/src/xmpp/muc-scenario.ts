/**
 * One XEP-0045 room of K occupants on one XMPP server (any server: host, port,
 * domain, accounts): the first user joins a new room (creating it) and submits
 * the instant-room form (10.1.2), grants the others membership one `muc#admin`
 * request at a time (9.3), then all of them join with `<history maxstanzas='0'/>`,
 * `concurrency` at a time; a join ends with the joiner's self-presence (status
 * 110). Finally the owner posts one message and every occupant must receive it.
 * Every phase is bounded in time; the server's RSS is sampled throughout.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { mapLimit } from '../fleet';
import { child, XmppClient, type Element, type Mechanism } from './client';
import type { Account } from './servers';
import { escapeXml, parseVmRssBytes } from './wire';

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
  private waiters: { match: (s: Element) => boolean; resolve: (s: Element) => void }[] = [];
  closed: string | undefined;

  constructor(options: ConstructorParameters<typeof XmppClient>[0]) {
    this.client = new XmppClient(options);
    this.client.onStanza = (stanza) => {
      this.stanzas++;
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
