import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '@parley/protocol';
import { Connection, type ConnectionStatus } from './connection';
import { FakeServer } from './fake-socket.test-helper';

function setup(options: Partial<ConstructorParameters<typeof Connection>[0]> = {}) {
  const server = new FakeServer();
  const statuses: ConnectionStatus[] = [];
  const conn = new Connection({
    url: 'ws://test/v1/ws',
    WebSocket: server.WebSocket,
    getToken: () => 'tok',
    backoff: { initialDelayMs: 1000, maxDelayMs: 8000, stableAfterMs: 5000 },
    random: () => 0.5,
    pingIntervalMs: 0,
    ...options,
  });
  conn.on('status', (s) => statuses.push(s));
  const states = () => statuses.map((s) => s.state);
  return { server, conn, statuses, states };
}

describe('Connection', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('authenticates first, then correlates requests with their answers', async () => {
    const { server, conn, states } = setup();
    server.handler = (socket, frame) => {
      if (frame.type === 'presence.get') socket.reply(frame.id, { presences: [] });
      if (frame.type === 'typing.set') socket.fail(frame.id, 'not_member');
    };
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = server.last.sent[0]!;
    expect(first).toMatchObject({ type: 'auth', data: { token: 'tok', protocol: PROTOCOL_VERSION } });
    expect(states()).toEqual(['connecting', 'connected']);
    expect(conn.auth?.sessionId).toBe('s1');
    const [a, b] = [
      conn.request('presence.get', { userIds: ['u'] }),
      conn.request('typing.set', { conversationId: 'c', typing: true }),
    ];
    await expect(a).resolves.toEqual({ presences: [] });
    await expect(b).rejects.toMatchObject({ code: 'not_member', retryable: false });
  });

  it('rejects a request that gets no answer with a retryable timeout', async () => {
    const { conn } = setup({ requestTimeoutMs: 3000 });
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    const p = conn.request('ping', {});
    const check = expect(p).rejects.toMatchObject({ code: 'unavailable', retryable: true, localFailure: 'timeout' });
    await vi.advanceTimersByTimeAsync(3000);
    await check;
  });

  it('rejects waiting requests on disconnect and reconnects after a jittered backoff', async () => {
    const { server, conn, statuses } = setup();
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    const p = conn.request('ping', {});
    const check = expect(p).rejects.toMatchObject({ retryable: true, localFailure: 'disconnected' });
    server.last.serverClose(1001, 'restart');
    await check;
    expect(statuses.at(-1)).toEqual({
      state: 'disconnected',
      code: 1001,
      reason: 'restart',
      retryInMs: 500,
      attempt: 1,
    });
    await expect(conn.request('ping', {})).rejects.toMatchObject({ localFailure: 'disconnected' });
    await vi.advanceTimersByTimeAsync(499);
    expect(server.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.sockets).toHaveLength(2);
    expect(conn.isOpen).toBe(true);
  });

  it('retries at once on retryNow() while waiting out a backoff, and only then', async () => {
    const { server, conn } = setup();
    conn.retryNow(); // idle: nothing to do
    expect(server.sockets).toHaveLength(0);
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    conn.retryNow(); // open: nothing to do
    expect(server.sockets).toHaveLength(1);
    server.last.serverClose(1001, 'restart');
    await vi.advanceTimersByTimeAsync(0);
    conn.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.sockets).toHaveLength(2);
    expect(conn.isOpen).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000); // the cancelled backoff timer opens nothing more
    expect(server.sockets).toHaveLength(2);
  });

  it('backs off further on each failure and resets after a stable connection', async () => {
    const { server, conn, statuses } = setup();
    server.autoOpen = false;
    conn.start();
    const delays: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      server.last.serverClose(1006);
      const s = statuses.at(-1);
      if (s?.state !== 'disconnected') throw new Error('expected disconnected');
      delays.push(s.retryInMs);
      await vi.advanceTimersByTimeAsync(s.retryInMs);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    server.autoOpen = true;
    server.last.open();
    await vi.advanceTimersByTimeAsync(5000); // stable
    server.last.serverClose(1011);
    expect(statuses.at(-1)).toMatchObject({ state: 'disconnected', retryInMs: 500, attempt: 1 });
  });

  it('comes back from a service restart (1012) within the restart window, then backs off from the second step', async () => {
    const draws = [0, 0.999, 0.5, 0.5];
    const { server, conn, statuses } = setup({
      backoff: { initialDelayMs: 1000, maxDelayMs: 8000, restartMinDelayMs: 2000, restartSpreadMs: 3000 },
      random: () => draws.shift() ?? 0.5,
    });
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    server.last.serverClose(1012, 'server restarting');
    // The earliest draw waits the minimum, never less: the old server is still going.
    expect(statuses.at(-1)).toEqual({
      state: 'disconnected',
      code: 1012,
      reason: 'server restarting',
      retryInMs: 2000,
      attempt: 1,
    });
    await vi.advanceTimersByTimeAsync(1999);
    expect(server.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.sockets).toHaveLength(2);
    expect(conn.isOpen).toBe(true);

    // Restarted again: the latest draw stays inside the window.
    server.last.serverClose(1012, 'server restarting');
    expect(statuses.at(-1)).toMatchObject({ code: 1012, retryInMs: 4997, attempt: 1 });
    // Not back yet: the next failures back off with full jitter from the second step
    // (cap 2000, then 4000), not from the start and not from where the last outage left off.
    server.autoOpen = false;
    await vi.advanceTimersByTimeAsync(4997);
    server.last.serverClose(1006);
    expect(statuses.at(-1)).toMatchObject({ code: 1006, retryInMs: 1000, attempt: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    server.last.serverClose(1006);
    expect(statuses.at(-1)).toMatchObject({ code: 1006, retryInMs: 2000, attempt: 3 });
  });

  it('caps every delay at 10 s by default, with full jitter', async () => {
    const { server, conn, statuses } = setup({ backoff: {}, random: () => 0.999 });
    server.autoOpen = false;
    conn.start();
    const delays: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      server.last.serverClose(1006);
      const s = statuses.at(-1);
      if (s?.state !== 'disconnected') throw new Error('expected disconnected');
      delays.push(s.retryInMs);
      await vi.advanceTimersByTimeAsync(s.retryInMs);
    }
    expect(delays).toEqual([499, 999, 1998, 3996, 7992, 9990, 9990, 9990]);
  });

  it('stops for good on 4000-4099 closes and says why', async () => {
    for (const [code, reason] of [
      [4000, 'unsupported_protocol'],
      [4001, 'unauthenticated'],
      [4003, 'session_revoked'],
      [4050, 'refused'],
    ] as const) {
      const { server, conn, statuses } = setup();
      conn.start();
      await vi.advanceTimersByTimeAsync(0);
      server.last.serverClose(code);
      expect(statuses.at(-1)).toEqual({ state: 'stopped', reason, code });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(server.sockets).toHaveLength(1);
      expect(conn.isRunning).toBe(false);
    }
  });

  it('reconnects on 4100-4199 closes', async () => {
    const { server, conn } = setup();
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    server.last.serverClose(4108, 'too slow');
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.sockets).toHaveLength(2);
  });

  it('stops when the server refuses the token in its auth answer', async () => {
    const { server, conn, statuses } = setup();
    server.autoAuth = false;
    server.handler = (socket, frame) => socket.fail(frame.id, 'token_invalid');
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses.at(-1)).toMatchObject({
      state: 'stopped',
      reason: 'unauthenticated',
      error: { code: 'token_invalid' },
    });
    expect(server.last.closedWith).toBeDefined();
  });

  for (const closeFirst of [true, false]) {
    it(`waits out retryAfterMs when its address is rate-limited at auth (${closeFirst ? 'close 4129 first' : 'answer first'})`, async () => {
      const { server, conn, statuses } = setup();
      server.autoAuth = false;
      server.handler = (socket, frame) => {
        socket.fail(frame.id, 'rate_limited', true, { retryAfterMs: 30_000 });
        if (closeFirst) socket.serverClose(4129, 'rate_limited');
      };
      conn.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(statuses.at(-1)).toMatchObject({ state: 'disconnected', retryInMs: 30_000 });
      await vi.advanceTimersByTimeAsync(29_999);
      expect(server.sockets).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(server.sockets).toHaveLength(2);
    });
  }

  it('stops without a socket when there is no token', () => {
    const { server, conn, statuses } = setup({ getToken: () => undefined });
    conn.start();
    expect(server.sockets).toHaveLength(0);
    expect(statuses.at(-1)).toMatchObject({ state: 'stopped', reason: 'unauthenticated' });
  });

  it('gives up after maxAttempts failures in a row', async () => {
    const { server, conn, statuses } = setup({ backoff: { maxAttempts: 2, initialDelayMs: 10 } });
    server.autoOpen = false;
    conn.start();
    server.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(10);
    server.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(10);
    server.last.serverClose(1006);
    expect(statuses.at(-1)).toMatchObject({ state: 'stopped', reason: 'gave_up' });
  });

  it('drops a socket that never opens or authenticates within the connect timeout', async () => {
    const { server, conn, statuses } = setup({ connectTimeoutMs: 2000 });
    server.autoOpen = false;
    conn.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(statuses.at(-1)).toMatchObject({ state: 'disconnected', reason: 'connect timeout' });
    expect(server.sockets[0]!.closedWith).toBeDefined();
  });

  it('pings an idle connection and drops it when the ping is not answered', async () => {
    const { server, conn, statuses } = setup({ pingIntervalMs: 1000, pingTimeoutMs: 500 });
    let answerPings = true;
    server.handler = (socket, frame) => {
      if (frame.type === 'ping' && answerPings) socket.reply(frame.id, {});
    };
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.last.framesOf('ping')).toHaveLength(1);
    expect(conn.isOpen).toBe(true);
    answerPings = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.last.framesOf('ping')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(statuses.at(-1)).toMatchObject({ state: 'disconnected', reason: 'ping timeout' });
  });

  it('does not ping while frames are flowing', async () => {
    const { server, conn } = setup({ pingIntervalMs: 1000 });
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 5; i += 1) {
      await vi.advanceTimersByTimeAsync(600);
      server.last.push({ type: 'presence', data: { userId: 'u', status: 'online', lastSeenAt: null } });
    }
    expect(server.last.framesOf('ping')).toHaveLength(0);
  });

  it('hands valid events to listeners and reports invalid ones as errors', async () => {
    const { server, conn } = setup();
    const events: string[] = [];
    const errors: string[] = [];
    conn.on('event', (e) => events.push(e.type));
    conn.on('error', (e) => errors.push(e.code));
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    server.last.push({ type: 'presence', data: { userId: 'u', status: 'online', lastSeenAt: null } });
    server.last.push({ type: 'presence', data: { userId: 'u', status: 'sleepy' } });
    server.last.push({ type: 'something.new', data: {} });
    server.last.fail(null, 'bad_request');
    expect(events).toEqual(['presence']);
    expect(errors).toEqual(['bad_request', 'bad_request']);
  });

  it('stop() closes the socket, rejects requests and never reconnects', async () => {
    const { server, conn, statuses } = setup();
    conn.start();
    await vi.advanceTimersByTimeAsync(0);
    const p = conn.request('ping', {});
    conn.stop();
    await expect(p).rejects.toMatchObject({ localFailure: 'closed' });
    expect(server.last.closedWith?.code).toBe(1000);
    expect(statuses.at(-1)).toEqual({ state: 'stopped', reason: 'closed' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.sockets).toHaveLength(1);
  });
});
