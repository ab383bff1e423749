/**
 * Outgoing HTTP to addresses users chose, without reaching the server's own network
 * (SSRF). For each request it resolves the host itself, refuses the request when any
 * address is internal (loopback, private, link-local, CGNAT, multicast, unspecified,
 * documentation and benchmark ranges, IPv4-mapped/NAT64/6to4 forms of those, unique
 * local IPv6...) unless it is in the operator's allow list (PARLEY_OUTBOUND_ALLOW),
 * then connects to exactly the address it checked (the socket's lookup answers with
 * it), so a second DNS answer cannot point the connection elsewhere (rebinding). It
 * follows no redirect (a 3xx is returned as is), sends no cookie, and bounds the whole
 * exchange in time and the response body in bytes. With `keepAlive` it keeps
 * connections open for the next request to the same host and port (pre-send hooks,
 * which sit on every send's path); the address is still checked before every request,
 * and a kept socket stays connected to the address checked when it opened. Used by
 * webhooks, pre-send hooks and link previews
 * (which follow redirects themselves, each hop checked here again); push endpoints are
 * meant to reuse it. Knows nothing of services.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import proxyaddr from '@fastify/proxy-addr';
import { OutboundError, type OutboundHttp, type OutboundRequest, type OutboundResponse } from '../ports/outbound-http';

/** Ranges never reached unless allowed (IANA special-purpose registries, RFC 6890 and successors). */
const DENIED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const DENIED_V6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0', 96], // IPv4-mapped: checked as IPv4 after unmapping; any other spelling stays refused
  ['64:ff9b::', 96], // NAT64: embeds an IPv4 address
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo included)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

// Two lists: one BlockList matches IPv4 addresses against IPv6 rules (as mapped addresses) too.
const deniedV4 = new BlockList();
for (const [address, prefix] of DENIED_V4) deniedV4.addSubnet(address, prefix, 'ipv4');
const deniedV6 = new BlockList();
for (const [address, prefix] of DENIED_V6) deniedV6.addSubnet(address, prefix, 'ipv6');

/** `::ffff:a.b.c.d` (and its hex form) is the IPv4 address it maps; anything else as given. */
export function unmapAddress(address: string): string {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] && hex[2]) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return address;
}

/** True when `address` is in one of the internal ranges above (mapped IPv4 checked as IPv4). */
export function isInternalAddress(address: string): boolean {
  const plain = unmapAddress(address);
  const family = isIP(plain);
  if (family === 4) return deniedV4.check(plain, 'ipv4');
  if (family === 6) return deniedV6.check(plain, 'ipv6');
  return true; // not an address at all: never connect to it
}

export interface SafeFetchOptions {
  /**
   * Ranges an operator allows although they are internal: addresses, CIDR ranges, or
   * `loopback`, `linklocal`, `uniquelocal` (PARLEY_OUTBOUND_ALLOW). Empty: none.
   */
  allow: readonly string[];
  /** Resolves a host name to its addresses (tests inject one; the system resolver by default). */
  resolve?: (host: string) => Promise<string[]>;
  /** Sent as User-Agent. */
  userAgent?: string;
  /** Reuse connections (keep-alive); close() ends them. Off: one connection per request. */
  keepAlive?: boolean;
}

/** Idle kept connections per host: enough for a burst of sends, bounded. */
const KEEP_ALIVE_FREE_SOCKETS = 16;
const KEEP_ALIVE_MAX_SOCKETS = 64;

async function systemResolve(host: string): Promise<string[]> {
  const answers = await dnsLookup(host, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
}

/** Parses PARLEY_OUTBOUND_ALLOW's comma-separated entries. */
export function parseOutboundAllow(value: string | null): string[] {
  return (value ?? '')
    .split(/[,\s]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

export class SafeFetch implements OutboundHttp {
  private readonly allowed: (address: string) => boolean;
  private readonly resolve: (host: string) => Promise<string[]>;
  private readonly agents: { http: http.Agent; https: https.Agent } | undefined;

  /** @throws TypeError when an allow entry is not an address, range or keyword. */
  constructor(private readonly options: SafeFetchOptions) {
    const trust = options.allow.length > 0 ? proxyaddr.compile([...options.allow]) : undefined;
    this.allowed = (address) => trust?.(unmapAddress(address), 0) === true || trust?.(address, 0) === true;
    this.resolve = options.resolve ?? systemResolve;
    const pool = { keepAlive: true, maxSockets: KEEP_ALIVE_MAX_SOCKETS, maxFreeSockets: KEEP_ALIVE_FREE_SOCKETS };
    this.agents = options.keepAlive ? { http: new http.Agent(pool), https: new https.Agent(pool) } : undefined;
  }

  /** Ends the kept connections (nothing to do without keep-alive). */
  close(): void {
    this.agents?.http.destroy();
    this.agents?.https.destroy();
  }

  /** The address to connect to for `host`, after every answer passed the check. */
  async checkHost(host: string): Promise<{ address: string; family: 4 | 6 }> {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    let addresses: string[];
    if (isIP(bare) !== 0) addresses = [bare];
    else {
      try {
        addresses = await this.resolve(bare);
      } catch (error) {
        throw new OutboundError('dns', `The host ${bare} does not resolve.`, { cause: error });
      }
      if (addresses.length === 0) throw new OutboundError('dns', `The host ${bare} has no address.`);
    }
    // Every answer must pass: a name that resolves to a public and an internal address is refused.
    for (const address of addresses) {
      if (isInternalAddress(address) && !this.allowed(address)) {
        throw new OutboundError(
          'refused_address',
          `The host ${bare} is an internal address (${address}); an administrator may allow it with PARLEY_OUTBOUND_ALLOW.`,
        );
      }
    }
    const address = addresses[0]!;
    return { address, family: isIP(address) === 6 ? 6 : 4 };
  }

  /** Parses and checks the URL, and returns a lookup that answers with the checked address only. */
  async prepare(
    text: string,
    deadline: AbortSignal,
    timeoutMs: number,
  ): Promise<{ url: URL; lookup: LookupFunction; transport: typeof http | typeof https }> {
    let url: URL;
    try {
      url = new URL(text);
    } catch (error) {
      throw new OutboundError('bad_url', 'The URL cannot be parsed.', { cause: error });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundError('bad_url', 'Only http and https URLs are allowed.');
    }
    if (url.username !== '' || url.password !== '') {
      throw new OutboundError('bad_url', 'A URL must not carry credentials.');
    }
    const target = await withDeadline(this.checkHost(url.hostname), deadline, timeoutMs);
    // The socket connects to the address just checked, whatever a resolver would say now.
    const lookup: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all === true) {
        (callback as unknown as (e: null, list: { address: string; family: number }[]) => void)(null, [
          { address: target.address, family: target.family },
        ]);
      } else callback(null, target.address, target.family);
    };
    return { url, lookup, transport: url.protocol === 'https:' ? https : http };
  }

  async send(request: OutboundRequest): Promise<OutboundResponse> {
    const deadline = AbortSignal.timeout(request.timeoutMs);
    const { url, lookup, transport } = await this.prepare(request.url, deadline, request.timeoutMs);
    const agent = this.agents ? (url.protocol === 'https:' ? this.agents.https : this.agents.http) : false;
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent ?? 'Parley-Webhooks',
      ...request.headers,
    };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    return new Promise<OutboundResponse>((resolve, reject) => {
      const req = transport.request(
        url,
        { method: request.method, headers, lookup, agent, signal: deadline },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let truncated = false;
          const finish = () => {
            const out: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            const bytes = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, headers: out, body: bytes.toString('utf8'), bytes, truncated });
          };
          res.on('data', (chunk: Buffer) => {
            if (truncated) return;
            const room = request.maxResponseBytes - size;
            if (chunk.length > room) {
              chunks.push(chunk.subarray(0, Math.max(0, room)));
              size = request.maxResponseBytes;
              truncated = true;
              // Enough read: the rest is not wanted, and a slow sender must not hold the socket.
              res.destroy();
              finish();
              return;
            }
            chunks.push(chunk);
            size += chunk.length;
          });
          res.on('end', () => {
            if (!truncated) finish();
          });
          res.on('error', (error) => {
            if (!truncated) reject(failure(error, deadline));
          });
          // A deadline that passes while the body trickles in closes the socket without an
          // 'end' (and not always with an 'error'): the promise must settle all the same.
          // After 'end' or a truncation it has settled already, and this changes nothing.
          res.on('close', () => reject(failure(new Error('the response ended early'), deadline)));
        },
      );
      req.on('error', (error) => reject(failure(error, deadline)));
      if (request.body !== undefined) req.write(request.body);
      req.end();
    });
  }
}

/**
 * A `fetch` for clients that take one (the AI assistant's OpenAI client): the same checks as
 * `send`, but the response body streams (server-sent events) instead of being buffered. The
 * caller's signal and `timeoutMs` both end the exchange, the body included.
 */
export function guardedFetch(guard: SafeFetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const target = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
    const signals = [AbortSignal.timeout(timeoutMs), ...(init?.signal ? [init.signal] : [])];
    const deadline = AbortSignal.any(signals);
    const { url, lookup, transport } = await guard.prepare(target, deadline, timeoutMs);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = typeof init?.body === 'string' ? init.body : undefined;
    if (init?.body != null && body === undefined) throw new OutboundError('bad_url', 'Only text bodies are sent.');
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const req = transport.request(
        url,
        { method: init?.method ?? 'GET', headers, lookup, agent: false, signal: deadline },
        (res) => {
          const out = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const status = res.statusCode ?? 0;
          const stream = bodyStream(res, deadline);
          resolve(new Response(status === 204 || status === 304 ? null : stream, { status, headers: out }));
        },
      );
      req.on('error', (error) => reject(failure(error, deadline)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  };
}

/** Chunks held while the reader is slower than the sender; past it the socket is paused. */
const HELD_CHUNKS = 16;

/**
 * The response body as a web stream that hands its reader every byte that came before a
 * break (reset, deadline) and only then the error: a stream that errors at once drops what
 * its reader had not read yet, and the assistant's answer would lose its last words.
 */
function bodyStream(res: IncomingMessage, deadline: AbortSignal): ReadableStream<Uint8Array> {
  const chunks: Buffer[] = [];
  let ended = false;
  let broken: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  res.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    if (chunks.length >= HELD_CHUNKS) res.pause();
    notify();
  });
  res.on('end', () => {
    ended = true;
    notify();
  });
  res.on('error', (error) => {
    broken ??= error;
    notify();
  });
  res.on('close', () => {
    if (!ended) broken ??= new Error('the response ended early');
    notify();
  });
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (chunks.length === 0 && !ended && broken === undefined) {
          await new Promise<void>((resolve) => (wake = resolve));
        }
        const next = chunks.shift();
        if (next !== undefined) {
          controller.enqueue(new Uint8Array(next));
          if (chunks.length < HELD_CHUNKS) res.resume();
        } else if (ended) controller.close();
        else controller.error(failure(broken, deadline));
      },
      cancel() {
        res.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

function failure(error: unknown, deadline: AbortSignal): OutboundError {
  if (deadline.aborted) return new OutboundError('timeout', 'No answer in time.', { cause: error });
  const code = (error as { code?: unknown }).code;
  return new OutboundError('network', `The request failed${typeof code === 'string' ? ` (${code})` : ''}.`, {
    cause: error,
  });
}

async function withDeadline<T>(work: Promise<T>, deadline: AbortSignal, ms: number): Promise<T> {
  if (deadline.aborted) throw new OutboundError('timeout', `No answer in ${ms} ms.`);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new OutboundError('timeout', `No answer in ${ms} ms.`));
    deadline.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) deadline.removeEventListener('abort', onAbort);
  }
}
