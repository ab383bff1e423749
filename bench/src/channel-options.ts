/**
 * The command line of `npm run bench:channel`: parsed and bounded (a typo must not
 * create millions of users). The bench always runs its own server in-process.
 */
import { parseArgs } from 'node:util';
import { bounded, UsageError } from './options';

const LIMITS = { connected: 2000, members: 200_000, rate: 2000, durationS: 300 } as const;

export const USAGE = `usage: npm run bench:channel -- --connected N --members M --rate R --duration T [--rounds K] [--json]
  --connected N  members connected over WebSocket (1..${LIMITS.connected})
  --members M    channel members in total, N connected and M - N only in the store (N+1..${LIMITS.members})
  --rate R       posts per second by the one poster (1..${LIMITS.rate})
  --duration T   seconds of posting per phase (1..${LIMITS.durationS})
  --rounds K     phases per channel, alternating between the two channels (default 3)
  --json         print the report as JSON`;

export { UsageError };

export interface ChannelOptions {
  connected: number;
  members: number;
  rate: number;
  durationS: number;
  rounds: number;
  json: boolean;
}

export function parseChannelOptions(argv: string[]): ChannelOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      connected: { type: 'string' },
      members: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const connected = bounded('connected', values.connected, 1, LIMITS.connected);
  return {
    connected,
    // The poster is a member too.
    members: bounded('members', values.members, connected + 1, LIMITS.members),
    rate: bounded('rate', values.rate, 1, LIMITS.rate),
    durationS: bounded('duration', values.duration, 1, LIMITS.durationS),
    rounds: bounded('rounds', values.rounds, 1, 20),
    json: values.json ?? false,
  };
}
