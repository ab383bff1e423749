/**
 * A real Parley cluster on one machine, for the cluster tests: three `parley start`
 * processes (their own ports, data folders and PARLEY_NODE_ID) on one fresh
 * PostgreSQL schema, one private nats-server (the test may kill and restart it),
 * one S3-compatible store (s3rver) for file bytes, and Debian's haproxy in front
 * with the configuration docs/operations.md prints. Everything listens on
 * loopback; every process is stopped by `stop()` (and killed if the test process
 * exits first).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient, type ParleyClient, type ParleyClientOptions } from '@parley/sdk/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../src/blob/s3-test-server';
import { NATS_SERVER, startPrivateNats, type PrivateNats } from '../../src/bus/nats-test-server';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../../src/store/postgres/test-database';
import { freePort, spawnServer, type ServerProcess } from '../process';
import { HAPROXY, startHaproxy, type Haproxy } from './haproxy';

export const NODE_IDS = ['n1', 'n2', 'n3'] as const;

/** The health-check interval haproxy runs with in the tests (the documented one). */
export const CHECK_INTERVAL_MS = 1000;

export class ClusterNode {
  process: ServerProcess | undefined;

  constructor(
    readonly id: string,
    readonly httpPort: number,
    readonly xmppPort: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get running(): boolean {
    const child = this.process?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  async start(): Promise<void> {
    this.process = await spawnServer(this.env, 180_000);
  }

  /** SIGKILL: no goodbye to anyone, as when a machine dies. */
  async kill(): Promise<void> {
    const running = this.process;
    if (!running || !this.running) return;
    running.child.kill('SIGKILL');
    await running.exited;
  }

  /** SIGTERM: the graceful stop of a rolling upgrade. */
  async stop(): Promise<void> {
    const running = this.process;
    if (!running || !this.running) return;
    running.child.kill('SIGTERM');
    const timer = setTimeout(() => running.child.kill('SIGKILL'), 20_000);
    await running.exited;
    clearTimeout(timer);
  }

  /** Open WebSocket connections on this node, from its health endpoint. */
  async connections(): Promise<number> {
    const response = await fetch(`${this.url}/healthz`);
    const body = (await response.json()) as { connections: number };
    return body.connections;
  }

  /** One series of this node's /metrics (summed over its labels), or undefined when absent. */
  async metric(name: string): Promise<number | undefined> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const values = text
      .split('\n')
      .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
    return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
  }

  output(): string {
    return this.process?.output() ?? '';
  }
}

export interface Cluster {
  /** The proxy's HTTP address: what clients use. */
  url: string;
  /** The proxy's XMPP port. */
  xmppPort: number;
  nodes: ClusterNode[];
  nats: PrivateNats;
  haproxy: Haproxy;
  schema: string;
  /** A client of the proxy (or of one node, when `node` is given), closed by stop(). */
  client(options?: Partial<ParleyClientOptions> & { node?: ClusterNode }): ParleyClient;
  /** Waits until haproxy sees the given state for a node in both backends. */
  waitForState(node: ClusterNode, state: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  /** Sets a node's administrative state in both backends (haproxy's runtime API), as an operator would. */
  setState(node: ClusterNode, state: 'ready' | 'drain' | 'maint'): Promise<void>;
  /** Everything the processes logged, for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Registers an afterEach that prints the end of every process's log when a test of
 * the file failed: what CI shows is all there is to debug a cluster run with.
 */
export function printLogsOnFailure(cluster: () => Cluster | undefined): void {
  afterEach((context) => {
    const c = cluster();
    if (c && context.task.result?.state === 'fail') process.stderr.write(`\n${c.logs()}\n`);
  });
}

/**
 * The cluster of one test file: started before its tests (when clusterAvailable()),
 * its logs printed when a test fails, stopped after them. Call at the top level.
 */
export function useCluster(available: boolean): () => Cluster | undefined {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    if (available) cluster = await startCluster();
  }, 300_000);
  printLogsOnFailure(() => cluster);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);
  return () => cluster;
}

let people = 0;
/** Registers the client as a new person whose username starts with `name`. */
export async function registerPerson(client: ParleyClient, name: string, password: string): Promise<ParleyClient> {
  await client.register({ username: `${name}${++people}${Math.random().toString(36).slice(2, 6)}`, password });
  return client;
}

const live = new Set<() => void>();
process.once('exit', () => {
  for (const kill of live) kill();
});

/**
 * Whether a cluster can run here: PostgreSQL reachable, nats-server and haproxy
 * installed. Outside CI a missing piece skips the cluster tests with a warning;
 * under CI it fails them (a skipped cluster suite must not pass CI silently).
 */
export async function clusterAvailable(): Promise<boolean> {
  if (!(await requirePostgres())) return false;
  const missing = [NATS_SERVER, HAPROXY].filter((file) => !existsSync(file));
  if (missing.length === 0) return true;
  const message = `${missing.join(' and ')} missing (apt-get install nats-server haproxy)`;
  if (process.env.CI) throw new Error(`${message}: CI is set, so the cluster tests fail instead of skipping.`);
  process.stderr.write(`WARNING: ${message}. Skipping the cluster tests.\n`);
  return false;
}

/** Starts the cluster (call clusterAvailable() first). */
export async function startCluster(options: { env?: Record<string, string> } = {}): Promise<Cluster> {
  const root = mkdtempSync(path.join(tmpdir(), 'parley-cluster-'));
  const schema = randomSchemaName('cluster');
  const stops: (() => Promise<void>)[] = [];
  const clients: ParleyClient[] = [];
  const nodes: ClusterNode[] = [];
  let s3: S3TestServer | undefined;
  let nats: PrivateNats | undefined;
  let haproxy: Haproxy | undefined;

  // If the test process dies first, its children must not outlive it.
  const killAll = () => {
    for (const node of nodes) node.process?.child.kill('SIGKILL');
    haproxy?.kill();
    nats?.kill().catch(() => undefined);
  };
  live.add(killAll);
  const stop = async () => {
    live.delete(killAll);
    clients.splice(0).forEach((c) => c.close());
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    await dropSchema(schema).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    nats = await startPrivateNats();
    const natsServer = nats;
    stops.push(() => natsServer.stop());
    s3 = await startS3TestServer();
    const s3Server = s3;
    stops.push(() => s3Server.stop());

    const proxyPort = await freePort();
    const proxyXmppPort = await freePort();
    const shared = {
      PARLEY_HOST: '127.0.0.1',
      PARLEY_DB: 'postgres',
      PARLEY_DATABASE_URL: pgTestUrl(),
      PARLEY_PG_SCHEMA: schema,
      PARLEY_BUS_URL: nats.url,
      PARLEY_BUS_PREFIX: `t${randomBytes(4).toString('hex')}`,
      PARLEY_STORAGE: 's3',
      PARLEY_S3_BUCKET: s3.bucket,
      PARLEY_S3_ENDPOINT: s3.endpoint,
      PARLEY_S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      PARLEY_S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      PARLEY_S3_PATH_STYLE: 'true',
      PARLEY_FILE_LINK_SECRET: randomBytes(32).toString('hex'),
      PARLEY_PUBLIC_URL: `http://127.0.0.1:${proxyPort}`,
      PARLEY_TRUSTED_PROXIES: '127.0.0.1',
      PARLEY_RATE_FRAMES_PER_SEC: '10000',
      PARLEY_SHUTDOWN_GRACE_MS: '3000',
      ...options.env,
    };
    for (const id of NODE_IDS) {
      const dataDir = path.join(root, id);
      const httpPort = await freePort();
      const xmppPort = await freePort();
      const env = {
        ...shared,
        PARLEY_NODE_ID: id,
        PARLEY_PORT: String(httpPort),
        PARLEY_XMPP_PORT: String(xmppPort),
        PARLEY_DATA_DIR: dataDir,
      };
      nodes.push(new ClusterNode(id, httpPort, xmppPort, dataDir, env));
    }
    for (const node of nodes) stops.push(() => node.stop());
    // All at once, as an orchestrator starts them: the first start migrates an empty schema.
    await Promise.all(nodes.map((node) => node.start()));

    haproxy = await startHaproxy(root, {
      nodes: nodes.map((node) => ({
        id: node.id,
        host: '127.0.0.1',
        httpPort: node.httpPort,
        xmppPort: node.xmppPort,
      })),
      httpBind: `127.0.0.1:${proxyPort}`,
      xmppBind: `127.0.0.1:${proxyXmppPort}`,
      adminSocket: path.join(root, 'haproxy.sock'),
      tls: false,
      maxconn: 4000,
      checkIntervalMs: CHECK_INTERVAL_MS,
    });
    const proxy = haproxy;
    stops.push(() => proxy.stop());

    const waitForState = async (node: ClusterNode, state: 'UP' | 'DOWN', timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [http, xmpp] = await Promise.all([proxy.states('parley_http'), proxy.states('parley_xmpp')]);
        const matches = (s: string | undefined) => s !== undefined && s.startsWith(state);
        if (matches(http[node.id]) && matches(xmpp[node.id])) return;
        if (Date.now() > deadline) {
          throw new Error(`haproxy: ${node.id} is not ${state}: http ${http[node.id]}, xmpp ${xmpp[node.id]}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    for (const node of nodes) await waitForState(node, 'UP');

    const url = `http://127.0.0.1:${proxyPort}`;
    return {
      url,
      xmppPort: proxyXmppPort,
      nodes,
      nats,
      haproxy,
      schema,
      client(clientOptions = {}) {
        const { node, ...rest } = clientOptions;
        const client = createNodeClient({
          baseUrl: node?.url ?? url,
          backoff: { initialDelayMs: 100, maxDelayMs: 1000 },
          requestTimeoutMs: 10_000,
          receiptBatchMs: 50,
          ...rest,
        });
        clients.push(client);
        return client;
      },
      waitForState,
      async setState(node, state) {
        for (const backend of ['parley_http', 'parley_xmpp']) {
          const answer = await proxy.command(`set server ${backend}/${node.id} state ${state}`);
          if (answer.trim() !== '') throw new Error(`haproxy: ${answer}`);
        }
      },
      logs: () =>
        [
          ...nodes.map((node) => `---- ${node.id}\n${node.output().slice(-20_000)}`),
          `---- haproxy\n${proxy.output()}`,
        ].join('\n'),
      stop,
    };
  } catch (error) {
    const logs = nodes.map((node) => `---- ${node.id}\n${node.output().slice(-5000)}`).join('\n');
    await stop();
    throw new Error(`the cluster did not start: ${String(error)}\n${logs}${haproxy ? haproxy.output() : ''}`, {
      cause: error,
    });
  }
}
