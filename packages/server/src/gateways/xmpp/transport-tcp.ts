/**
 * The TCP transport of an XMPP stream (port 5222): bytes decoded as strict UTF-8
 * in streaming mode (a character split across two reads stays whole; a byte
 * sequence that is not UTF-8 is reported, never replaced: RFC 6120 11.6 and
 * 4.9.3.22), and the STARTTLS upgrade of the same socket in place.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';

const strictUtf8 = () => new TextDecoder('utf-8', { fatal: true });
import type { Transport } from './session';

export class TcpTransport implements Transport {
  readonly kind = 'tcp';
  private socket: Socket;
  private decoder = strictUtf8();
  private badEncoding = false;
  private tls = false;
  onData: (text: string) => void = () => {};
  /** The peer sent bytes that are not UTF-8: nothing after them is read. */
  onBadEncoding: () => void = () => {};
  onClose: () => void = () => {};

  constructor(
    socket: Socket,
    private readonly secureContext: SecureContext,
    readonly clientAddress: string,
  ) {
    this.socket = socket;
    this.listen(socket);
  }

  /** The client's bytes read before this transport existed (after a PROXY header, in the same packet). */
  feed(bytes: Buffer): void {
    if (bytes.length > 0) this.decode(bytes);
  }

  private listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.decode(chunk));
    socket.on('close', () => {
      if (socket === this.socket) this.onClose();
    });
    socket.on('error', () => socket.destroy());
  }

  private decode(chunk: Buffer): void {
    if (this.badEncoding) return;
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      this.badEncoding = true;
      this.onBadEncoding();
      return;
    }
    if (text !== '') this.onData(text);
  }

  get secure(): boolean {
    return this.tls;
  }

  get canStartTls(): boolean {
    return !this.tls;
  }

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  write(data: string): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  startTls(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    plain.on('error', () => plain.destroy());
    const secure = new TLSSocket(plain, { isServer: true, secureContext: this.secureContext });
    this.socket = secure;
    this.decoder = strictUtf8();
    this.tls = true;
    this.listen(secure);
    plain.on('close', () => {
      if (!secure.destroyed) secure.destroy();
    });
    return new Promise((resolve, reject) => {
      secure.once('secure', () => resolve());
      secure.once('error', reject);
    });
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    this.socket.end();
    // A peer that never closes its side must not hold the socket open.
    setTimeout(() => this.socket.destroy(), 2_000).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
