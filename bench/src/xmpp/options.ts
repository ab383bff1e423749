/**
 * Command line of `npm run bench:xmpp`: parsed and bounded like the native
 * bench's (a typo must not start a million clients). Every server runs on
 * loopback, started by the bench itself.
 */
import { parseArgs } from 'node:util';
import { bounded, UsageError } from '../options';

export const SERVER_KINDS = ['parley', 'parley-normal', 'ejabberd', 'prosody'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export interface CompareOptions {
  clients: number;
  rate: number;
  durationS: number;
  rounds: number;
  graceS: number;
  servers: ServerKind[];
  mechanism: 'SCRAM-SHA-1' | 'PLAIN';
  /** Turn message archiving (MAM) on in ejabberd and Prosody, so that they store every message as Parley does. */
  archive: boolean;
  /** Repository whose Parley runs (default: this one). */
  parleyRoot: string | undefined;
  json: boolean;
}

export const XMPP_LIMITS = { clients: 2000, rate: 10_000, durationS: 300, rounds: 5, graceS: 120 } as const;

export const XMPP_USAGE = `usage: npm run bench:xmpp -- --clients K --rate R --duration T [options]
  --clients K      XMPP clients per server, paired into 1:1 chats (2..${XMPP_LIMITS.clients}, even)
  --rate R         messages per second, all clients together (1..${XMPP_LIMITS.rate})
  --duration T     seconds of sending per run (1..${XMPP_LIMITS.durationS})
  --rounds N       interleaved rounds: every server once per round (1..${XMPP_LIMITS.rounds}, default 2)
  --grace S        seconds to wait after the last send before counting a message lost (default 20)
  --servers LIST   comma-separated, from ${SERVER_KINDS.join(',')} (default: all)
  --mechanism M    SCRAM-SHA-1 (default) or PLAIN
  --archive        enable MAM in ejabberd and Prosody (every message stored, as Parley does)
  --parley-root D  run the Parley of another checkout (e.g. a clean worktree)
  --json           print the results as JSON`;

export function parseCompareOptions(argv: string[]): CompareOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      grace: { type: 'string' },
      servers: { type: 'string' },
      mechanism: { type: 'string' },
      archive: { type: 'boolean', default: false },
      'parley-root': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const clients = bounded('clients', values.clients, 2, XMPP_LIMITS.clients);
  if (clients % 2 !== 0) throw new UsageError('--clients must be even: clients are paired into 1:1 chats');
  const servers = (values.servers ?? SERVER_KINDS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const s of servers) {
    if (!(SERVER_KINDS as readonly string[]).includes(s)) {
      throw new UsageError(`--servers: unknown server ${s} (choose from ${SERVER_KINDS.join(', ')})`);
    }
  }
  if (servers.length === 0) throw new UsageError('--servers is empty');
  const mechanism = values.mechanism ?? 'SCRAM-SHA-1';
  if (mechanism !== 'SCRAM-SHA-1' && mechanism !== 'PLAIN') {
    throw new UsageError(`--mechanism must be SCRAM-SHA-1 or PLAIN, not ${mechanism}`);
  }
  return {
    clients,
    rate: bounded('rate', values.rate, 1, XMPP_LIMITS.rate),
    durationS: bounded('duration', values.duration, 1, XMPP_LIMITS.durationS),
    rounds: bounded('rounds', values.rounds, 1, XMPP_LIMITS.rounds, 2),
    graceS: bounded('grace', values.grace, 1, XMPP_LIMITS.graceS, 20),
    servers: [...new Set(servers)] as ServerKind[],
    mechanism,
    archive: values.archive ?? false,
    parleyRoot: values['parley-root'],
    json: values.json ?? false,
  };
}
