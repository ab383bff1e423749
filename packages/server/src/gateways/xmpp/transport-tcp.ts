/**
 * The TCP transport of an XMPP stream (port 5222): bytes decoded with a
 * StringDecoder (a UTF-8 character split across two reads stays whole), and the
 * STARTTLS upgrade of the same socket in place.
 */
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Transport } from './session';

export class TcpTransport implements Transport {
  readonly kind = 'tcp';
  private socket: Socket;
  private decoder = new StringDecoder('utf8');
  private tls = false;
  onData: (text: string) => void = () => {};
  onClose: () => void = () => {};

  constructor(
    socket: Socket,
    private readonly secureContext: SecureContext,
  ) {
    this.socket = socket;
    this.listen(socket);
  }

  private listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.onData(this.decoder.write(chunk)));
    socket.on('close', () => {
      if (socket === this.socket) this.onClose();
    });
    socket.on('error', () => socket.destroy());
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
    this.decoder = new StringDecoder('utf8');
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
