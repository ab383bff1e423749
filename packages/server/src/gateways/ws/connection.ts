/**
 * One client WebSocket: authentication deadline, decoding, rate limit, strictly
 * sequential handling of its frames (so one client's sends commit in the order it
 * sent them), and a bounded send buffer: a reader that falls too far behind is
 * disconnected with 4108 and resyncs on reconnect.
 */
import {
  CloseCode,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  type ClientFrame,
  type Limits,
  type WireError,
} from '@parley/protocol';
import type { WebSocket } from 'ws';
import { AppError } from '../../domain/errors';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { RealtimeConnection, RealtimeHub } from '../../realtime/hub';
import type { AuthContext, ClientOrigin, Services } from '../../services';
import { toUser } from '../../services/accounts';
import type { Metrics } from '../../observability/metrics';
import { toWireError } from '../errors';
import { decodeFrame } from './decode';
import { handlers } from './handlers';
import { TokenBucket } from './token-bucket';

export interface ConnectionOptions {
  services: Services;
  hub: RealtimeHub;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  limits: Limits;
  authTimeoutMs: number;
  sendBufferBytes: number;
  /** How long a reader disconnected with 4108 has to read what was queued and the close frame. */
  slowReaderGraceMs: number;
  framesPerSecond: number;
}

/** Consecutive bad frames tolerated before the connection is closed (4109). */
const MAX_CONSECUTIVE_VIOLATIONS = 50;

const SYNC_REQUIRED = JSON.stringify({ type: 'sync.required', data: { reason: 'missed_events' } });
/** How long a peer has to answer our close frame before its socket is dropped. */
const CLOSE_HANDSHAKE_MS = 2_000;

export class WsConnection implements RealtimeConnection {
  private auth: AuthContext | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  /** The presence bookkeeping of this connection's end (last seen), once it closed. */
  private departure: Promise<void> = Promise.resolve();
  private violations = 0;
  private readonly bucket: TokenBucket;
  /** Until the connection authenticates or closes (then dropped: an idle connection keeps no timer). */
  private authTimer: { cancel(): void } | undefined;
  private logger: Logger | undefined;

  constructor(
    readonly id: string,
    private readonly socket: WebSocket,
    private readonly options: ConnectionOptions,
    private readonly origin: ClientOrigin,
  ) {
    this.bucket = new TokenBucket(options.framesPerSecond, options.framesPerSecond * 4, options.clock.now());
    this.authTimer = options.clock.setTimeout(() => {
      if (!this.auth) this.close(CloseCode.authTimeout, 'no auth frame in time');
    }, options.authTimeoutMs);
    socket.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    socket.on('close', () => this.onClosed());
    socket.on('error', (error) => this.log.debug({ err: error }, 'socket error'));
  }

  /** This connection's logger, made when first used: most connections never log (a child logger is ~0.5 KB). */
  private get log(): Logger {
    return (this.logger ??= this.options.logger.child({ connection: this.id, address: this.origin.address }));
  }

  get userId(): string {
    return this.auth?.user.id ?? '';
  }

  get sessionId(): string {
    return this.auth?.session.id ?? '';
  }

  send(frame: string): void {
    // Once closing (a slow reader included), nothing more is queued: the close frame is last.
    if (this.closed) return;
    if (this.socket.bufferedAmount > this.options.sendBufferBytes) {
      this.options.metrics.slowDisconnects.inc();
      this.close(CloseCode.tooSlow, 'reader too slow: reconnect and resync');
      return;
    }
    this.socket.send(frame);
  }

  resync(): void {
    this.send(SYNC_REQUIRED);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const socket = this.socket;
    socket.close(code, reason);
    // A peer that never answers the close handshake must not hold the socket open. A slow
    // reader's close frame waits behind its full buffer, so it gets a longer grace to read
    // up to it and learn why (4108) rather than see the socket vanish (1006).
    const slow = code === CloseCode.tooSlow;
    const timer = this.options.clock.setTimeout(
      () => {
        if (socket.readyState === socket.CLOSED) return;
        if (slow) this.options.metrics.slowReaderDrops.inc();
        socket.terminate();
      },
      slow ? this.options.slowReaderGraceMs : CLOSE_HANDSHAKE_MS,
    );
    socket.once('close', () => timer.cancel());
    this.onClosed();
  }

  private onClosed(): void {
    this.closed = true;
    this.authTimer?.cancel();
    this.authTimer = undefined;
    if (!this.auth) return;
    const auth = this.auth;
    this.auth = undefined;
    this.options.hub.detach(this);
    this.options.metrics.connections.dec();
    const { presence, pushPreferences, groupCalls } = this.options.services;
    this.departure = Promise.all([
      presence.disconnected(auth.user.id, this.id).catch((error: unknown) => {
        this.log.error({ err: error }, 'presence update failed');
      }),
      // What this connection showed no longer holds pushes back (it would lapse on its own).
      pushPreferences.disconnected(auth.session.id, this.id).catch((error: unknown) => {
        this.log.error({ err: error }, 'clearing the device focus failed');
      }),
    ]).then(() => undefined);
    // A device that drops leaves its group call: its SFU handles live on this node only.
    groupCalls.disconnected(auth.session.id).catch((error: unknown) => {
      this.log.warn({ err: error }, 'leaving the group call failed');
    });
  }

  /** Resolves when what the connection's end writes (the user's last seen) is stored. */
  departed(): Promise<void> {
    return this.departure;
  }

  private sendError(re: string | null, error: WireError): void {
    this.options.metrics.errors.inc({ code: error.code, gateway: 'ws' });
    this.send(JSON.stringify({ type: 'error', re, error }));
  }

  private violation(re: string | null, error: WireError): void {
    this.sendError(re, error);
    if (++this.violations >= MAX_CONSECUTIVE_VIOLATIONS)
      this.close(CloseCode.policyViolation, 'too many invalid frames');
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary) {
      this.violation(null, { code: 'bad_request', message: 'Frames are JSON text, not binary.', retryable: false });
      return;
    }
    const decoded = decodeFrame(data.toString('utf8'), data.byteLength, this.options.limits.maxFrameBytes);
    if (!decoded.ok) {
      this.violation(decoded.re, decoded.error);
      return;
    }
    const wait = this.bucket.take(this.options.clock.now());
    if (wait > 0) {
      this.sendError(decoded.frame.id, {
        code: 'rate_limited',
        message: 'Too many frames: slow down.',
        retryable: true,
        details: { retryAfterMs: wait },
      });
      return;
    }
    this.violations = 0;
    this.options.metrics.frames.inc({ type: decoded.frame.type });
    this.queue = this.queue.then(() => this.handle(decoded.frame));
  }

  private async handle(frame: ClientFrame): Promise<void> {
    if (this.closed) return;
    const started = performance.now();
    try {
      const data = await this.dispatch(frame);
      if (frame.type === 'message.send' && (data as { duplicate?: boolean }).duplicate === false) {
        this.options.metrics.messagesSent.inc();
      }
      this.send(JSON.stringify({ type: 'result', re: frame.id, data }));
    } catch (error) {
      const wire = toWireError(error, this.log, { frame: frame.type });
      this.sendError(frame.id, wire);
      if (frame.type === 'auth' && !this.auth) {
        const code =
          wire.code === 'unsupported_protocol'
            ? CloseCode.unsupportedProtocol
            : wire.code === 'rate_limited'
              ? CloseCode.rateLimited
              : CloseCode.unauthenticated;
        if (wire.code !== 'internal' && wire.code !== 'unavailable') this.close(code, wire.code);
      }
    } finally {
      this.options.metrics.requestDuration.observe(
        { gateway: 'ws', type: frame.type },
        (performance.now() - started) / 1000,
      );
    }
  }

  private async dispatch(frame: ClientFrame): Promise<unknown> {
    if (frame.type === 'auth') return this.authenticate(frame.data.token, frame.data.protocol);
    if (!this.auth) throw new AppError('unauthenticated', 'Send an auth frame first.');
    const handler = handlers[frame.type] as (ctx: unknown, data: unknown) => Promise<unknown>;
    return handler({ auth: this.auth, connectionId: this.id, services: this.options.services }, frame.data);
  }

  private async authenticate(token: string, protocol: number) {
    if (this.auth) throw new AppError('already_authenticated', 'This connection is already authenticated.');
    if (protocol < MIN_PROTOCOL_VERSION || protocol > PROTOCOL_VERSION) {
      throw new AppError(
        'unsupported_protocol',
        `This server speaks protocol ${MIN_PROTOCOL_VERSION}..${PROTOCOL_VERSION}; upgrade your client.`,
        {
          details: { min: MIN_PROTOCOL_VERSION, max: PROTOCOL_VERSION, got: protocol },
        },
      );
    }
    const { services } = this.options;
    // A refused token counts against the address's budget (services/rate-limits.ts).
    const auth = await services.accounts.authenticate(token, this.origin);
    const conversationIds = await services.conversations.memberOf(auth);
    if (this.closed) throw new AppError('unavailable', 'The connection closed during authentication.');
    this.auth = auth;
    this.authTimer?.cancel();
    this.authTimer = undefined;
    // Subscribe before answering: anything committed after this point arrives live,
    // anything before it comes with the client's `sync` (guarantee 5).
    await this.options.hub.attach(this, conversationIds);
    this.options.metrics.connections.inc();
    await services.presence.connected(auth, { connectionId: this.id });
    return {
      user: toUser(auth.user),
      sessionId: auth.session.id,
      protocol: PROTOCOL_VERSION,
      serverTime: this.options.clock.now(),
      limits: this.options.limits,
    };
  }
}
