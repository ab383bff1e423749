/**
 * XMPP over WebSocket (RFC 7395) at /xmpp-websocket on the HTTP server, with the
 * `xmpp` subprotocol: every WebSocket text message is one complete element
 * (`<open/>`, a stanza, `<close/>`). TLS belongs to the WebSocket layer; a
 * stream counts as secure when it is wss, comes from loopback (a local
 * TLS-terminating proxy) or from a trusted proxy saying `X-Forwarded-Proto: https`,
 * which is what lets PLAIN be offered.
 */
import type { WebSocket } from 'ws';
import type { Transport } from './session';

export class WsTransport implements Transport {
  readonly kind = 'websocket';
  readonly canStartTls = false;
  onData: (text: string) => void = () => {};
  onClose: () => void = () => {};

  constructor(
    private readonly socket: WebSocket,
    readonly secure: boolean,
    readonly clientAddress: string,
  ) {
    socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) this.onData(data.toString('utf8'));
      else socket.close(1003, 'text frames only');
    });
    socket.on('close', () => this.onClose());
    socket.on('error', () => socket.terminate());
  }

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  write(data: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(data);
  }

  startTls(): Promise<void> {
    return Promise.reject(new Error('no STARTTLS over WebSocket'));
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    this.socket.close(1000);
    setTimeout(() => this.socket.terminate(), 2_000).unref();
  }
}
