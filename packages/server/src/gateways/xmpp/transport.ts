/**
 * What an XMPP stream needs from its transport (TCP with STARTTLS in
 * transport-tcp.ts, RFC 7395 WebSocket in transport-ws.ts): write text, pause
 * and resume reading, upgrade to TLS, close. Sessions know nothing else about
 * sockets, which is also what lets a resumed XEP-0198 session move to a new one.
 */
export interface Transport {
  readonly kind: 'tcp' | 'websocket';
  /** TLS is in place (or the WebSocket is on loopback behind a TLS-terminating proxy). */
  readonly secure: boolean;
  /** STARTTLS is possible on this transport now. */
  readonly canStartTls: boolean;
  readonly bufferedBytes: number;
  /** The client's address: the socket's peer, or what a trusted proxy said (PROXY protocol, X-Forwarded-For). */
  readonly clientAddress: string;
  write(data: string): void;
  /** Upgrades to TLS after `<proceed/>` was written; resolves when the handshake is done. */
  startTls(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Flushes what was written, then closes. */
  end(): void;
}
