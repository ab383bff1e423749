/**
 * Test harness: a real server on a loopback port with its own temporary SQLite
 * file, a clock the test can move forward, and a raw WebSocket client for tests
 * that must send what no well-behaved SDK would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROTOCOL_VERSION, type AuthResponse, type ServerFrame } from '@parley/protocol';
import WebSocket from 'ws';
import { loadConfig, startServer, type Config, type RunningServer } from '../src';
import { silentLogger } from '../src/observability/logger';
import type { RelayOptions } from '../src/events/relay';
import type { Bus } from '../src/ports/bus';
import type { Clock } from '../src/ports/clock';
import type { Logger } from '../src/ports/logger';
import type { Store } from '../src/ports/store';

export interface TestClock extends Clock {
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setTimeout(fn, ms) {
      const handle = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(handle) };
    },
    advance(ms) {
      offset += ms;
    },
  };
}

export interface TestServer {
  url: string;
  wsUrl: string;
  server: RunningServer;
  clock: TestClock;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<Config> = {},
  options: {
    bus?: Bus;
    store?: (config: Config) => Promise<Store>;
    relay?: Partial<RelayOptions>;
    /** The server's logger (silent by default); the E2EE canary test reads what it wrote. */
    logger?: Logger;
  } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-test-'));
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      sqlitePath: path.join(dataDir, 'parley.db'),
      logLevel: 'silent',
      xmppPort: -1, // XMPP tests turn it on with 0 (a free port)
      ...overrides,
    },
  );
  const clock = testClock();
  // A test that writes to the store behind the services' back opens it itself (closed by stop()).
  const store = options.store ? await options.store(config) : undefined;
  const server = await startServer(config, {
    logger: options.logger ?? silentLogger(),
    clock,
    ...(options.bus ? { bus: options.bus } : {}),
    ...(store ? { store } : {}),
    ...(options.relay ? { relay: options.relay } : {}),
  });
  return {
    url: server.url,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/v1/ws`,
    server,
    clock,
    dataDir,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function http<T = unknown>(
  base: string,
  method: string,
  route: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${route}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

let userCounter = 0;
export async function registerUser(base: string, prefix = 'user'): Promise<AuthResponse> {
  const username = `${prefix}${++userCounter}${Math.random().toString(36).slice(2, 6)}`;
  const { status, body } = await http<AuthResponse>(base, 'POST', '/v1/auth/register', {
    body: { username, password: 'correct horse battery' },
  });
  if (status !== 201) throw new Error(`register failed: ${status} ${JSON.stringify(body)}`);
  return body;
}

type Frame = ServerFrame & { re?: string | null };

/** A raw protocol client: frames in, frames out, nothing clever. */
export class RawClient {
  readonly frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private counter = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse((data as Buffer).toString('utf8')) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static async open(wsUrl: string): Promise<RawClient> {
    const ws = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawClient(ws);
  }

  static async authed(wsUrl: string, token: string): Promise<RawClient> {
    const client = await RawClient.open(wsUrl);
    const reply = await client.request('auth', { token, protocol: PROTOCOL_VERSION });
    if (reply.type !== 'result') throw new Error(`auth failed: ${JSON.stringify(reply)}`);
    return client;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Sends a frame and resolves with the result or error frame answering it. */
  request(type: string, data: unknown, id = `r${++this.counter}`): Promise<Frame> {
    const reply = this.next((f) => (f.type === 'result' || f.type === 'error') && f.re === id);
    this.ws.send(JSON.stringify({ type, id, data }));
    return reply;
  }

  next(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const found = this.frames.find(match);
    if (found) {
      this.frames.splice(this.frames.indexOf(found), 1);
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(f), 1);
          resolve(f);
        },
      });
    });
  }

  event(type: string, timeoutMs = 5000): Promise<Frame> {
    return this.next((f) => f.type === type, timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}

export function errorCode(frame: Frame): string | undefined {
  return frame.type === 'error' ? frame.error.code : undefined;
}
