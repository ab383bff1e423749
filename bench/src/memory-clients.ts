/**
 * One load-generator process of `npm run bench:memory`: opens idle connections to the server
 * under test and holds them until its parent closes its stdin (or kills it). Reads its job as
 * JSON from the environment (BENCH_MEMORY_JOB) and reports on stdout, one line each:
 * `progress <opened>`, then `ready <opened>` once all are up, or `error <message>`.
 *
 * - `ws`: Parley's native protocol as the SDK speaks it: WebSocket to /v1/ws, `auth` with a
 *   session token, then `sync` with no cursors; then nothing (the SDK's idle state).
 * - `xmpp`: STARTTLS, SASL SCRAM-SHA-1, resource binding, roster fetch, initial presence.
 *
 * Connections bind to the given loopback source address (127.0.0.x), each of which has about
 * 28,000 ephemeral ports, so that one run can exceed that many connections.
 */
import { WebSocket } from 'ws';
import { XmppClient } from './xmpp/client';
import { mapLimit } from './fleet';

export interface MemoryJob {
  kind: 'ws' | 'xmpp';
  host: string;
  port: number;
  /** XMPP domain (xmpp only). */
  domain?: string;
  localAddress: string;
  /** How many connections this process opens, and from which index (for unique resources). */
  count: number;
  first: number;
  /** Credentials, used round-robin: a token (ws) or username/password (xmpp). */
  tokens?: string[];
  accounts?: { username: string; password: string }[];
  concurrency: number;
}

const job = JSON.parse(process.env.BENCH_MEMORY_JOB ?? 'null') as MemoryJob | null;
if (!job) throw new Error('BENCH_MEMORY_JOB is not set: this process is started by bench/src/memory.ts');

const held: { close(): void }[] = [];
const say = (line: string) => process.stdout.write(`${line}\n`);

function openWs(index: number): Promise<void> {
  const token = job!.tokens![index % job!.tokens!.length]!;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${job!.host}:${job!.port}/v1/ws`, {
      localAddress: job!.localAddress,
      perMessageDeflate: false,
    });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`connection ${index}: no auth and sync result within 120 s`));
    }, 120_000);
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', id: 'a', data: { token, protocol: 1 } })));
    ws.on('message', (data) => {
      const frame = JSON.parse((data as Buffer).toString()) as { type: string; re?: string; error?: { code: string } };
      if (frame.type === 'error') {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`connection ${index}: ${frame.error?.code ?? 'error'} answering ${frame.re ?? '?'}`));
      } else if (frame.type === 'result' && frame.re === 'a') {
        ws.send(JSON.stringify({ type: 'sync', id: 's', data: { cursors: {} } }));
      } else if (frame.type === 'result' && frame.re === 's') {
        clearTimeout(timer);
        held.push({ close: () => ws.terminate() });
        resolve();
      }
    });
  });
}

const scramCache = new Map<string, Buffer>();
async function openXmpp(index: number): Promise<void> {
  const account = job!.accounts![index % job!.accounts!.length]!;
  const client = new XmppClient({
    host: job!.host,
    port: job!.port,
    domain: job!.domain ?? 'localhost',
    username: account.username,
    password: account.password,
    resource: `idle${index}`,
    mechanism: 'SCRAM-SHA-1',
    timeoutMs: 120_000,
    scramCache,
    fetchRoster: true,
    localAddress: job!.localAddress,
  });
  await client.login();
  held.push({ close: () => client.destroy() });
}

let opened = 0;
let lastReport = 0;
try {
  await mapLimit(
    Array.from({ length: job.count }, (_, i) => job.first + i),
    job.concurrency,
    async (index) => {
      await (job.kind === 'ws' ? openWs(index) : openXmpp(index));
      opened++;
      if (Date.now() - lastReport > 1000) {
        lastReport = Date.now();
        say(`progress ${opened}`);
      }
    },
  );
  say(`ready ${opened}`);
} catch (error) {
  say(`error ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

// Hold until the parent is done measuring (it closes our stdin), then close everything.
const done = () => {
  for (const connection of held) connection.close();
  process.exit();
};
process.stdin.on('end', done);
process.stdin.on('close', done);
process.stdin.resume();
process.on('SIGTERM', done);
