/**
 * A scriptable in-memory stand-in for a WebSocket and the server behind it, for
 * unit tests of the connection and client state handling (the end-to-end tests run
 * against the real server). Frames the client sends are parsed and handed to a
 * handler the test provides, which answers with `reply`/`event` or closes.
 */
import type { WebSocketConstructor, WebSocketLike } from './websocket';

/** A client frame as the fake sees it. */
export interface SentFrame {
  type: string;
  id: string;
  data: Record<string, unknown>;
}

/** One fake socket. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: SentFrame[] = [];
  closedWith: { code?: number; reason?: string } | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(
    readonly url: string,
    private readonly server: FakeServer,
  ) {}

  /** The server accepts the TCP/WebSocket handshake. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('socket not open');
    const frame = JSON.parse(data) as SentFrame;
    this.sent.push(frame);
    this.server.handle(this, frame);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  /** Answers a request. */
  reply(re: string, data: unknown): void {
    this.push({ type: 'result', re, data });
  }

  /** Answers a request with an error. */
  fail(re: string | null, code: string, retryable = false, details?: Record<string, unknown>): void {
    this.push({ type: 'error', re, error: { code, message: code, retryable, ...(details ? { details } : {}) } });
  }

  /** Sends an event (or any frame). */
  push(frame: unknown): void {
    if (this.readyState !== 1) return;
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server closes the connection. */
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** Frames of one type the client sent. */
  framesOf(type: string): SentFrame[] {
    return this.sent.filter((f) => f.type === type);
  }
}

/** Handles a frame on behalf of the fake server. */
export type FrameHandler = (socket: FakeSocket, frame: SentFrame) => void;

/** A fake server: creates sockets, opens them on demand or at once, routes frames. */
export class FakeServer {
  readonly sockets: FakeSocket[] = [];
  handler: FrameHandler = () => undefined;
  /** Open new sockets on the next microtask. */
  autoOpen = true;
  /** Answer `auth` frames on its own with this user. */
  autoAuth = true;
  readonly WebSocket: WebSocketConstructor;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const server = this;
    this.WebSocket = class extends FakeSocket {
      constructor(url: string) {
        super(url, server);
        server.sockets.push(this);
        if (server.autoOpen) queueMicrotask(() => this.open());
      }
    };
  }

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (socket === undefined) throw new Error('no socket yet');
    return socket;
  }

  handle(socket: FakeSocket, frame: SentFrame): void {
    if (frame.type === 'auth' && this.autoAuth) {
      socket.reply(frame.id, authResult());
      return;
    }
    this.handler(socket, frame);
  }
}

export const ME = { id: 'me', username: 'me', displayName: 'Me', avatarUrl: null, statusText: null, createdAt: 1 };

export function authResult() {
  return {
    user: ME,
    sessionId: 's1',
    protocol: 1,
    serverTime: 1,
    limits: { maxMessageBytes: 4000, maxFrameBytes: 65536, maxHistoryPage: 100, maxGroupMembers: 1000 },
  };
}

/** A text message for tests. */
export function msg(conversationId: string, seq: number, senderId = 'bob', clientId = `${conversationId}-${seq}`) {
  return {
    id: `m-${conversationId}-${seq}`,
    conversationId,
    seq,
    senderId,
    clientId,
    content: { type: 'text' as const, text: `${conversationId}#${seq}` },
    createdAt: 1000 + seq,
  };
}
