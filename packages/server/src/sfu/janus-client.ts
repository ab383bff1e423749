/**
 * A client of Janus' API over its WebSocket transport (subprotocol `janus-protocol`):
 * one Janus session per connection, kept alive while the connection lasts, requests
 * matched to answers by transaction. It knows the API's envelope (create, attach,
 * message, detach, keepalive; `ack` before the `event` of an asynchronous request) and
 * nothing of VideoRoom: sfu-janus.ts builds on it. A lost connection rejects what is
 * pending and the next request connects again (with a new Janus session).
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { Logger } from '../ports/logger';

/** Janus' answers share this envelope. */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: { type: string; sdp: string };
}

export interface JanusClientOptions {
  url: string;
  /** Janus' `api_secret`, when its janus.jcfg sets one. */
  apiSecret: string | null;
  /** How long one request may wait for its answer. */
  timeoutMs: number;
  /** Keepalive period (below Janus' session_timeout, 60 s by default). */
  keepaliveMs: number;
}

/** A failure Janus reported (API or plugin error), with its code. */
export class JanusError extends Error {
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(`janus error ${code}: ${reason}`);
  }
}

interface Pending {
  resolve(message: JanusMessage): void;
  reject(error: Error): void;
  /** Asynchronous plugin requests answer `ack` first, then an `event` with the same transaction. */
  waitEvent: boolean;
  timer: NodeJS.Timeout;
}

interface Connection {
  socket: WebSocket;
  sessionId: number;
  keepalive: NodeJS.Timeout;
}

export class JanusClient {
  private connection: Promise<Connection> | undefined;
  private readonly pending = new Map<string, Pending>();
  private stopped = false;

  constructor(
    private readonly options: JanusClientOptions,
    private readonly logger: Logger,
  ) {}

  /** Attaches a handle of `plugin` in this node's session; resolves with its id. */
  async attach(plugin: string): Promise<number> {
    const answer = await this.request({ janus: 'attach', plugin }, false);
    const id = answer.data?.id;
    if (typeof id !== 'number') throw new JanusError(0, 'attach answered without a handle id');
    return id;
  }

  async detach(handleId: number): Promise<void> {
    await this.request({ janus: 'detach', handle_id: handleId }, false);
  }

  /**
   * Sends a plugin message. `async`: the plugin answers with an event later (join,
   * configure, start); otherwise its answer is synchronous (create, destroy, list).
   * A plugin error (`error_code` in its data) rejects with a JanusError.
   */
  async message(
    handleId: number,
    body: Record<string, unknown>,
    async: boolean,
    jsep?: { type: string; sdp: string },
  ): Promise<JanusMessage> {
    const answer = await this.request(
      { janus: 'message', handle_id: handleId, body, ...(jsep ? { jsep } : {}) },
      async,
    );
    const data = answer.plugindata?.data;
    if (data && typeof data.error_code === 'number') {
      throw new JanusError(data.error_code, typeof data.error === 'string' ? data.error : 'plugin error');
    }
    return answer;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    const c = await connection.catch(() => undefined);
    if (!c) return;
    clearInterval(c.keepalive);
    // Destroying the session detaches every handle: the rooms see this node's participants leave.
    await this.send(c, { janus: 'destroy' }, false).catch(() => undefined);
    c.socket.close();
  }

  private async request(body: Record<string, unknown>, waitEvent: boolean): Promise<JanusMessage> {
    const connection = await this.connect();
    return this.send(connection, body, waitEvent);
  }

  private send(connection: Connection, body: Record<string, unknown>, waitEvent: boolean): Promise<JanusMessage> {
    const transaction = randomBytes(9).toString('base64url');
    return new Promise<JanusMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError(0, `no answer to ${String(body.janus)} within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      this.pending.set(transaction, { resolve, reject, waitEvent, timer });
      const frame = {
        ...body,
        transaction,
        session_id: connection.sessionId,
        ...(this.options.apiSecret === null ? {} : { apisecret: this.options.apiSecret }),
      };
      connection.socket.send(JSON.stringify(frame), (error) => {
        if (error) this.settle(transaction, error);
      });
    });
  }

  private connect(): Promise<Connection> {
    if (this.stopped) return Promise.reject(new JanusError(0, 'the Janus client is stopped'));
    this.connection ??= this.open().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  private async open(): Promise<Connection> {
    const socket = new WebSocket(this.options.url, 'janus-protocol', { handshakeTimeout: this.options.timeoutMs });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('message', (raw: Buffer) => this.onMessage(raw));
    socket.on('error', (error) => this.logger.warn({ err: error }, 'janus connection error'));
    socket.on('close', () => this.onClose(socket));
    // The session is created on the bare socket (no session_id yet).
    const placeholder: Connection = { socket, sessionId: 0, keepalive: setInterval(() => undefined, 1 << 30) };
    clearInterval(placeholder.keepalive);
    const created = await this.send(placeholder, { janus: 'create' }, false).catch((error: unknown) => {
      socket.close();
      throw error;
    });
    const sessionId = created.data?.id;
    if (typeof sessionId !== 'number') throw new JanusError(0, 'create answered without a session id');
    const connection: Connection = { socket, sessionId, keepalive: placeholder.keepalive };
    connection.keepalive = setInterval(() => {
      this.send(connection, { janus: 'keepalive' }, false).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'janus keepalive failed'),
      );
    }, this.options.keepaliveMs);
    this.logger.info({ url: this.options.url, sessionId }, 'janus session open');
    return connection;
  }

  private onMessage(raw: Buffer): void {
    let message: JanusMessage;
    try {
      message = JSON.parse(raw.toString('utf8')) as JanusMessage;
    } catch (error) {
      this.logger.warn({ err: error }, 'janus sent something that is not JSON');
      return;
    }
    const transaction = message.transaction;
    if (transaction === undefined) {
      // Unsolicited: webrtcup, media, slowlink, hangup, timeout. Logged for operators.
      this.logger.debug({ janus: message.janus, sender: message.sender }, 'janus event');
      return;
    }
    const pending = this.pending.get(transaction);
    if (!pending) return;
    if (message.janus === 'error') {
      this.settle(transaction, new JanusError(message.error?.code ?? 0, message.error?.reason ?? 'error'));
    } else if (message.janus === 'ack' && pending.waitEvent) {
      return; // the event follows
    } else {
      this.settle(transaction, undefined, message);
    }
  }

  private settle(transaction: string, error?: Error, message?: JanusMessage): void {
    const pending = this.pending.get(transaction);
    if (!pending) return;
    this.pending.delete(transaction);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else if (message) pending.resolve(message);
  }

  private onClose(socket: WebSocket): void {
    void this.connection?.then(
      (c) => {
        if (c.socket !== socket) return;
        clearInterval(c.keepalive);
        this.connection = undefined;
      },
      () => undefined,
    );
    for (const transaction of [...this.pending.keys()]) {
      this.settle(transaction, new JanusError(0, 'the connection to Janus closed'));
    }
    if (!this.stopped) this.logger.warn({ url: this.options.url }, 'janus connection closed');
  }
}
