/**
 * One logical WebSocket connection to a Parley server that survives network
 * failures: it opens the socket, authenticates first, correlates requests with
 * their answers, detects dead sockets with an app-level ping, and reconnects with
 * exponential backoff and full jitter until told to stop or refused for good (close
 * codes 4000-4099); after 1012 (service restart) within a short random window. It knows nothing of messages or conversations: server events
 * are handed to its listeners as they arrive, and resync is the caller's job.
 */
import {
  CloseCode,
  PROTOCOL_VERSION,
  shouldReconnect,
  type AuthResult,
  type ClientData,
  type ClientFrameType,
  type ResultOf,
  type ServerEvent,
} from '@parley/protocol';
import type { Static } from 'typebox';
import { backoffDelay, resolveBackoff, restartDelay, type BackoffOptions, type ResolvedBackoff } from './backoff';
import { Emitter, type Unsubscribe } from './emitter';
import { ParleyError, localError } from './errors';
import { PendingRequests } from './pending-requests';
import { decodeServerFrame } from './server-frame';
import { realTimers, type TimerHandle, type Timers } from './timers';
import { type WebSocketConstructor, type WebSocketLike } from './websocket';

/** What the server tells a client when it authenticates. */
export type AuthInfo = Static<typeof AuthResult>;

/** Why a connection stopped for good (it will not reconnect on its own). */
export type StopReason =
  /** `close()` was called. */
  | 'closed'
  /** The server does not speak our protocol version (close 4000): upgrade the SDK. */
  | 'unsupported_protocol'
  /** The token is missing, invalid or expired (close 4001): log in again. */
  | 'unauthenticated'
  /** The session was revoked, by logout or a password change (close 4003): log in again. */
  | 'session_revoked'
  /** The server refused us with another 4000-4099 close code. */
  | 'refused'
  /** `maxAttempts` reconnects in a row failed. */
  | 'gave_up';

/** The life of a connection, as reported to listeners. */
export type ConnectionStatus =
  | { state: 'connecting'; attempt: number }
  | { state: 'connected'; auth: AuthInfo }
  | { state: 'disconnected'; code: number; reason: string; retryInMs: number; attempt: number }
  | { state: 'stopped'; reason: StopReason; code?: number; error?: ParleyError };

/** Events of a {@link Connection}. */
export interface ConnectionEvents {
  status: ConnectionStatus;
  event: ServerEvent;
  /** A frame the SDK could not use, or an error frame answering no request. */
  error: ParleyError;
}

/** Options of a {@link Connection}. Durations in milliseconds. */
export interface ConnectionOptions {
  /** `ws://` or `wss://` URL of the server's `/v1/ws` endpoint. */
  url: string;
  WebSocket: WebSocketConstructor;
  /** Read at every (re)connect, so a new login takes effect on the next attempt. */
  getToken: () => string | undefined;
  backoff?: BackoffOptions;
  /** Time a request may wait for its answer. Default 15 000. */
  requestTimeoutMs?: number;
  /** Time to open the socket and authenticate. Default 10 000. */
  connectTimeoutMs?: number;
  /** Send a ping after this long without any frame from the server; 0 disables. Default 20 000. */
  pingIntervalMs?: number;
  /** A ping unanswered for this long means the socket is dead. Default 10 000. */
  pingTimeoutMs?: number;
  timers?: Timers;
  random?: () => number;
}

type Phase = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped';

const STOP_BY_CODE: Readonly<Record<number, StopReason>> = {
  [CloseCode.unsupportedProtocol]: 'unsupported_protocol',
  [CloseCode.unauthenticated]: 'unauthenticated',
  [CloseCode.sessionRevoked]: 'session_revoked',
};

/** Close code we report for a socket we dropped ourselves (dead or stuck). */
const ABNORMAL = 1006;

/**
 * A self-healing, authenticated WebSocket with request/response correlation.
 *
 * @example
 * ```ts
 * const conn = new Connection({ url: 'ws://localhost:8080/v1/ws', WebSocket, getToken: () => token });
 * conn.on('status', (s) => console.log(s.state));
 * conn.start();
 * const { presences } = await conn.request('presence.get', { userIds: ['u1'] });
 * ```
 */
export class Connection {
  private readonly emitter = new Emitter<ConnectionEvents>();
  private readonly timers: Timers;
  private readonly backoff: ResolvedBackoff;
  private readonly pending: PendingRequests;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly pingIntervalMs: number;
  private readonly pingTimeoutMs: number;
  private readonly random: () => number;

  private phase: Phase = 'idle';
  private socket: WebSocketLike | undefined;
  private attempt = 0;
  /** The `retryAfterMs` of a `rate_limited` answer to this socket's auth frame (close 4129 follows it). */
  private authRetryAfterMs = 0;
  private openedAt = 0;
  private lastFrameAt = 0;
  private authInfo: AuthInfo | undefined;
  private connectTimer: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private pingTimer: TimerHandle | undefined;

  constructor(private readonly options: ConnectionOptions) {
    this.timers = options.timers ?? realTimers;
    this.backoff = resolveBackoff(options.backoff);
    this.pending = new PendingRequests(this.timers, 'r');
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 10_000;
    this.random = options.random ?? Math.random;
  }

  /** Listens to `status`, `event` or `error`. */
  on<K extends keyof ConnectionEvents>(event: K, handler: (payload: ConnectionEvents[K]) => void): Unsubscribe {
    return this.emitter.on(event, handler);
  }

  /** True once authenticated, until the socket drops. */
  get isOpen(): boolean {
    return this.phase === 'open';
  }

  /** True between `start()` and a stop (by `stop()` or a final close code). */
  get isRunning(): boolean {
    return this.phase !== 'idle' && this.phase !== 'stopped';
  }

  /** What the server said at the last successful authentication. */
  get auth(): AuthInfo | undefined {
    return this.authInfo;
  }

  /** Connects (no-op when already running). Reconnects on its own until `stop()`. */
  start(): void {
    if (this.isRunning) return;
    this.attempt = 0;
    this.openSocket();
  }

  /** Closes the socket, rejects waiting requests and stops reconnecting. */
  stop(): void {
    if (this.phase === 'stopped' || this.phase === 'idle') {
      this.phase = 'stopped';
      return;
    }
    closeQuietly(this.detach(), 'client closed');
    this.pending.rejectAll(localError('closed', 'the connection was closed'));
    this.finish('closed');
  }

  /**
   * While waiting out a backoff, tries again at once (the network is back: the
   * browser's `online` event, a phone waking up). No effect in any other state.
   */
  retryNow(): void {
    if (this.phase !== 'waiting') return;
    this.clearTimer('retryTimer');
    this.openSocket();
  }

  /** Drops the current socket and reconnects (after backoff), e.g. when a resync failed. */
  reconnect(reason: string): void {
    if (this.phase === 'open' || this.phase === 'connecting') this.dropSocket(reason);
  }

  /**
   * Sends a client frame and resolves with its `result` data; rejects with the
   * server's error, or a retryable `unavailable` error on timeout or disconnect.
   */
  request<K extends ClientFrameType>(
    type: K,
    data: ClientData<K>,
    options: { timeoutMs?: number } = {},
  ): Promise<ResultOf<K>> {
    if (this.phase !== 'open' || this.socket === undefined) {
      return Promise.reject(localError('disconnected', `cannot send ${type}: not connected`));
    }
    return this.send(this.socket, type, data, options.timeoutMs ?? this.requestTimeoutMs) as Promise<ResultOf<K>>;
  }

  private send(socket: WebSocketLike, type: ClientFrameType, data: unknown, timeoutMs: number): Promise<unknown> {
    const id = this.pending.nextId();
    const answer = this.pending.add(id, timeoutMs);
    try {
      socket.send(JSON.stringify({ type, id, data }));
    } catch (cause) {
      this.pending.reject(id, localError('disconnected', `cannot send ${type}: socket failed`, cause));
    }
    return answer;
  }

  private openSocket(): void {
    const token = this.options.getToken();
    if (token === undefined || token === '') {
      this.finish('unauthenticated', undefined, new ParleyError('unauthenticated', 'no token: log in first'));
      return;
    }
    this.phase = 'connecting';
    this.authRetryAfterMs = 0;
    this.emitter.emit('status', { state: 'connecting', attempt: this.attempt });
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(this.options.url);
    } catch (cause) {
      this.emitter.emit('error', localError('network', 'cannot create the WebSocket', cause));
      this.scheduleRetry(ABNORMAL, 'cannot create the WebSocket');
      return;
    }
    this.socket = socket;
    this.connectTimer = this.timers.setTimeout(() => this.dropSocket('connect timeout'), this.connectTimeoutMs);
    socket.onopen = () => {
      if (this.socket === socket) this.authenticate(socket, token);
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.onFrame(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.onClose(event.code, event.reason);
    };
    socket.onerror = () => undefined; // a close event always follows
  }

  private authenticate(socket: WebSocketLike, token: string): void {
    this.lastFrameAt = this.timers.now();
    this.send(socket, 'auth', { token, protocol: PROTOCOL_VERSION }, this.connectTimeoutMs).then(
      (data) => {
        if (this.socket !== socket) return;
        this.clearTimer('connectTimer');
        this.phase = 'open';
        this.openedAt = this.timers.now();
        this.authInfo = data as AuthInfo;
        this.schedulePing();
        this.emitter.emit('status', { state: 'connected', auth: this.authInfo });
      },
      (error: ParleyError) => {
        if (this.socket !== socket) return;
        if (error.code === 'unsupported_protocol') this.refuse('unsupported_protocol', error);
        else if (!error.retryable) this.refuse('unauthenticated', error);
        // rate_limited: too many failed attempts from this address; come back when the server says.
        else this.dropSocket(`auth failed: ${error.message}`, error.retryAfterMs);
      },
    );
  }

  private onFrame(data: unknown): void {
    this.lastFrameAt = this.timers.now();
    const frame = decodeServerFrame(data);
    switch (frame.kind) {
      case 'result':
        this.pending.resolve(frame.re, frame.data);
        return;
      case 'error':
        if (frame.error.code === 'rate_limited' && this.phase === 'connecting')
          this.authRetryAfterMs = frame.error.retryAfterMs ?? 0;
        if (frame.re === null || !this.pending.reject(frame.re, frame.error)) this.emitter.emit('error', frame.error);
        return;
      case 'event':
        this.emitter.emit('event', frame.event);
        return;
      case 'unknown':
        return; // a newer server's event: ignore (forward compatibility)
      case 'invalid':
        this.emitter.emit('error', frame.error);
        return;
    }
  }

  private onClose(code: number, reason: string): void {
    this.detach();
    this.pending.rejectAll(localError('disconnected', `the connection closed (${code})`));
    if (!shouldReconnect(code)) {
      this.finish(STOP_BY_CODE[code] ?? 'refused', code);
      return;
    }
    // 4129 (too many failed attempts from this address): not before the server said.
    this.scheduleRetry(code, reason, code === CloseCode.rateLimited ? this.authRetryAfterMs : 0);
  }

  /** Gives up on the current socket (dead, stuck or useless) and reconnects. */
  private dropSocket(reason: string, minDelayMs = 0): void {
    closeQuietly(this.detach(), reason);
    this.pending.rejectAll(localError('disconnected', `the connection was dropped: ${reason}`));
    this.scheduleRetry(ABNORMAL, reason, minDelayMs);
  }

  /** Stops for good after the server refused us. */
  private refuse(reason: StopReason, error: ParleyError): void {
    closeQuietly(this.detach(), reason);
    this.pending.rejectAll(localError('disconnected', `the connection was refused: ${reason}`));
    this.finish(reason, undefined, error);
  }

  private scheduleRetry(code: number, reason: string, minDelayMs = 0): void {
    if (this.openedAt > 0 && this.timers.now() - this.openedAt >= this.backoff.stableAfterMs) this.attempt = 0;
    this.openedAt = 0;
    if (this.attempt >= this.backoff.maxAttempts) {
      this.finish('gave_up', code);
      return;
    }
    // A restarting server is back soon: come back within a short random window (so that
    // its clients spread out), and if it is not up yet, back off from the second step.
    const restarting = code === CloseCode.serviceRestart;
    const delay = restarting
      ? restartDelay(this.backoff, this.random)
      : backoffDelay(this.attempt, this.backoff, this.random);
    const retryInMs = Math.max(delay, minDelayMs);
    this.attempt = restarting ? 1 : this.attempt + 1;
    this.phase = 'waiting';
    this.emitter.emit('status', { state: 'disconnected', code, reason, retryInMs, attempt: this.attempt });
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.phase === 'waiting') this.openSocket();
    }, retryInMs);
  }

  private schedulePing(): void {
    if (this.pingIntervalMs <= 0) return;
    this.pingTimer = this.timers.setTimeout(() => {
      this.pingTimer = undefined;
      const socket = this.socket;
      if (this.phase !== 'open' || socket === undefined) return;
      const idleMs = this.timers.now() - this.lastFrameAt;
      if (idleMs < this.pingIntervalMs) {
        this.schedulePing();
        return;
      }
      this.send(socket, 'ping', {}, this.pingTimeoutMs).then(
        () => {
          if (this.socket === socket) this.schedulePing();
        },
        (error: ParleyError) => {
          if (this.socket !== socket) return;
          if (error.localFailure === 'timeout') this.dropSocket('ping timeout');
          else this.schedulePing();
        },
      );
    }, this.pingIntervalMs);
  }

  private finish(reason: StopReason, code?: number, error?: ParleyError): void {
    this.clearTimer('retryTimer');
    this.phase = 'stopped';
    const status: ConnectionStatus = { state: 'stopped', reason };
    if (code !== undefined) status.code = code;
    if (error !== undefined) status.error = error;
    this.emitter.emit('status', status);
  }

  /** Forgets the current socket (its late events are ignored) and clears its timers. */
  private detach(): WebSocketLike | undefined {
    const socket = this.socket;
    this.socket = undefined;
    this.clearTimer('connectTimer');
    this.clearTimer('pingTimer');
    this.clearTimer('retryTimer');
    if (socket !== undefined) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      // Keep an error handler: `ws` throws on an error event nobody listens to.
      socket.onerror = () => undefined;
    }
    return socket;
  }

  private clearTimer(name: 'connectTimer' | 'retryTimer' | 'pingTimer'): void {
    const handle = this[name];
    if (handle !== undefined) this.timers.clearTimeout(handle);
    this[name] = undefined;
  }
}

/** Closes a socket we are discarding; a failure to close it changes nothing. */
function closeQuietly(socket: WebSocketLike | undefined, reason: string): void {
  try {
    socket?.close(CloseCode.normal, reason.slice(0, 100));
  } catch {
    // Already closed or never opened: nothing left to release.
  }
}
