/**
 * `npx tsx bench/src/xmpp/run.ts --port P --users FILE --clients K --rate R --duration T [--pid N]`:
 * the XMPP load of bench:xmpp against one server that is already running on this
 * machine (any server: Parley, ejabberd, Prosody, another), with accounts that
 * already exist. FILE holds one `username:password` per line. The bench starts and
 * stops nothing here; `--pid` names the server process whose RSS and CPU to read.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bounded, isLoopbackHost, UsageError } from '../options';
import { runXmppLoad } from './load';
import { runTable } from './report';
import type { Account } from './servers';

const USAGE = `usage: npx tsx bench/src/xmpp/run.ts --port P --users FILE --clients K --rate R --duration T
  [--host 127.0.0.1] [--domain localhost] [--pid N] [--grace 20] [--mechanism SCRAM-SHA-1|PLAIN] [--json]`;

const log = (line: string) => process.stderr.write(`${line}\n`);

/** `username:password` per line; blank lines and lines starting with # are skipped. */
export function parseUsers(text: string): Account[] {
  const out: Account[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`users file: expected username:password, got "${line}"`);
    out.push({ username: line.slice(0, colon), password: line.slice(colon + 1) });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      domain: { type: 'string', default: 'localhost' },
      users: { type: 'string' },
      clients: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      grace: { type: 'string' },
      pid: { type: 'string' },
      mechanism: { type: 'string', default: 'SCRAM-SHA-1' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const host = values.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new UsageError(`--host must be on this machine, not ${host}`);
  if (!values.users) throw new UsageError('--users is required');
  const mechanism = values.mechanism === 'PLAIN' ? 'PLAIN' : 'SCRAM-SHA-1';
  const accounts = parseUsers(readFileSync(values.users, 'utf8'));
  const clients = bounded('clients', values.clients, 2, Math.min(2000, accounts.length - (accounts.length % 2)));
  if (clients % 2 !== 0) throw new UsageError('--clients must be even');
  const pid = values.pid === undefined ? undefined : bounded('pid', values.pid, 1, 2 ** 22);
  const result = await runXmppLoad(
    {
      name: `${host}:${values.port}`,
      host,
      port: bounded('port', values.port, 1, 65535),
      domain: values.domain ?? 'localhost',
      accounts,
      pid: () => pid,
    },
    {
      clients,
      rate: bounded('rate', values.rate, 1, 10_000),
      durationS: bounded('duration', values.duration, 1, 300),
      graceS: bounded('grace', values.grace, 1, 120, 20),
      mechanism,
      loginConcurrency: 16,
    },
    log,
  );
  process.stdout.write(
    values.json ? `${JSON.stringify(result, null, 2)}\n` : `${runTable([{ ...result, round: 1 }])}\n`,
  );
}

if (process.argv[1]?.endsWith('run.ts')) {
  try {
    await main();
    process.exit(0);
  } catch (error) {
    log(error instanceof UsageError ? `error: ${error.message}\n${USAGE}` : `failed: ${String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
