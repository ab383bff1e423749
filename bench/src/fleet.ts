/**
 * The simulated users: K SDK clients registered under names unique to this run,
 * paired into direct conversations (client 2i with 2i+1) and connected over
 * WebSocket. Setup runs with bounded concurrency: registration hashes a password
 * (argon2id, deliberately slow) and must not time out under its own load.
 */
import { randomBytes } from 'node:crypto';
import { createNodeClient, ParleyError, type ParleyClient } from '@parley/sdk/node';

export interface Peer {
  index: number;
  client: ParleyClient;
  userId: string;
  /** The direct conversation with the paired client. */
  conversationId: string;
}

/** Runs `task` over `items` with at most `limit` at once; rejects on the first failure. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function explain(error: unknown, step: string): Error {
  if (error instanceof ParleyError && error.code === 'rate_limited') {
    return new Error(
      `${step}: the server rate-limited registrations; start it with PARLEY_RATE_AUTH_PER_MIN=100000 (and PARLEY_RATE_FRAMES_PER_SEC=100000)`,
    );
  }
  return new Error(`${step}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

export async function registerFleet(baseUrl: string, count: number, progress: (done: number) => void): Promise<Peer[]> {
  const run = randomBytes(3).toString('hex');
  let done = 0;
  const registered = await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    8,
    async (index) => {
      // Generous timeouts: setup of thousands of clients on two cores is slow, not broken.
      const client = createNodeClient({
        baseUrl,
        httpTimeoutMs: 120_000,
        connectTimeoutMs: 60_000,
        requestTimeoutMs: 60_000,
      });
      try {
        const { user } = await client.register({ username: `b${run}-${index}`, password: `bench-${run}-password` });
        progress(++done);
        return { index, client, userId: user.id };
      } catch (error) {
        throw explain(error, `registering client ${index}`);
      }
    },
  );
  const pairs = Array.from({ length: count / 2 }, (_, i) => i);
  const peers: Peer[] = new Array<Peer>(count);
  await mapLimit(pairs, 16, async (pair) => {
    const a = registered[2 * pair]!;
    const b = registered[2 * pair + 1]!;
    const conversation = await a.client.conversations.createDirect(b.userId);
    peers[a.index] = { ...a, conversationId: conversation.id };
    peers[b.index] = { ...b, conversationId: conversation.id };
  });
  return peers;
}

export async function connectFleet(peers: readonly Peer[], progress: (done: number) => void): Promise<void> {
  let done = 0;
  await mapLimit(peers, 32, async (peer) => {
    try {
      await peer.client.connect();
    } catch (error) {
      throw explain(error, `connecting client ${peer.index}`);
    }
    progress(++done);
  });
}

export function closeFleet(peers: readonly Peer[]): void {
  for (const peer of peers) peer.client.close();
}
