/**
 * Slow readers (docs/protocol.md, close code 4108): a client that stops reading is
 * disconnected once its send buffer passes PARLEY_SEND_BUFFER_BYTES. The server then
 * queues nothing more for it and closes with 4108; a reader that resumes within
 * PARLEY_SLOW_READER_GRACE_MS reads what was queued and then the 4108 close frame. One
 * that never reads is cut off after the grace and sees 1006 whenever it looks again.
 * Raw `ws` clients whose sockets the test pauses, against a real server.
 */
import type { Conversation } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { http, RawClient, registerUser, startTestServer, type TestServer } from './harness';

/** A small send buffer and large messages, so that a few dozen messages overflow it. */
const LIMITS = {
  sendBufferBytes: 64 * 1024,
  framesPerSecond: 100_000,
  maxMessageBytes: 256 * 1024,
  maxFrameBytes: 512 * 1024,
};

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** The value of one metric on /metrics (0 when absent). */
async function metric(server: TestServer, name: string): Promise<number> {
  const response = await fetch(`${server.url}/metrics`);
  const line = (await response.text()).split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A writer and a paused reader in one group; the writer sends large messages until
 * the server has disconnected `slow` readers for overflowing (bounded: at most 1,000 of 200 KB).
 */
async function overflow(server: TestServer, readers: number): Promise<RawClient[]> {
  const writer = await registerUser(server.url, 'writer');
  const people = await Promise.all(Array.from({ length: readers }, () => registerUser(server.url, 'reader')));
  const created = await http<{ conversation: Conversation }>(server.url, 'POST', '/v1/conversations', {
    token: writer.token,
    body: { title: 'firehose', memberIds: people.map((p) => p.user.id) },
  });
  const conversationId = created.body.conversation.id;
  const clients = await Promise.all(people.map((p) => RawClient.authed(server.wsUrl, p.token)));
  // Stop reading: the kernel's buffers fill, then the server's send buffer grows.
  for (const client of clients) client.ws.pause();
  const sender = await RawClient.authed(server.wsUrl, writer.token);
  const text = 'x'.repeat(200_000);
  for (let i = 0; i < 1000; i += 10) {
    const acks = await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        sender.request('message.send', { conversationId, clientId: `m${i + j}`, content: { type: 'text', text } }),
      ),
    );
    expect(acks.map((ack) => ack.type)).toEqual(acks.map(() => 'result'));
    if ((await metric(server, 'parley_ws_slow_disconnects_total')) >= readers) break;
  }
  await until(async () => (await metric(server, 'parley_ws_slow_disconnects_total')) >= readers, 'slow disconnects');
  sender.close();
  return clients;
}

describe('slow readers', () => {
  it('a reader that resumes within the grace reads what was queued, then sees 4108', async () => {
    t = await startTestServer({ ...LIMITS, slowReaderGraceMs: 20_000 });
    const [reader] = await overflow(t, 1);
    // The server has stopped writing to it. Wait a while, as a stalled reader would, then read.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    reader!.ws.resume();
    const closed = await reader!.closed;
    expect(closed.code).toBe(4108);
    expect(await metric(t, 'parley_ws_slow_reader_drops_total')).toBe(0);
    // Everything before the close frame was intact frames, in order.
    const seqs = reader!.frames
      .filter((f) => f.type === 'message.new')
      .map((f) => (f.data as { message: { seq: number } }).message.seq);
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  }, 120_000);

  it('a reader that never reads is cut off after the grace and sees 1006', async () => {
    t = await startTestServer({ ...LIMITS, slowReaderGraceMs: 500 });
    const [reader] = await overflow(t, 1);
    // The grace ends: the server drops the socket that never read its close frame.
    await until(async () => (await metric(t!, 'parley_ws_slow_reader_drops_total')) === 1, 'the socket to be dropped');
    reader!.ws.resume();
    expect((await reader!.closed).code).toBe(1006);
  }, 120_000);
});
