/**
 * A raw XMPP login over TCP for tests that must control the first bytes (a PROXY
 * header) or watch SASL refusals: optional preamble, stream header, STARTTLS,
 * SASL PLAIN, and everything the server says after the credentials until it
 * closes the stream or `settleMs` passes.
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { STREAM_HEADER } from './xmpp-helpers';

export interface RawLogin {
  /** What the server answered to the credentials, and anything after it. */
  afterAuth: string;
  /** The server closed the connection. */
  closed: boolean;
}

class Reader {
  text = '';
  closed = false;
  private wake: () => void = () => {};

  attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  async until(pattern: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.text);
      if (match) {
        const upTo = match.index + match[0].length;
        const consumed = this.text.slice(0, upTo);
        this.text = this.text.slice(upTo);
        return consumed;
      }
      if (this.closed) throw new Error(`closed before ${String(pattern)}; got: ${this.text.slice(0, 300)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${String(pattern)} in time; got: ${this.text.slice(0, 300)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async settle(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

/** Resolves when the server closes a connection that sent `bytes` first (or rejects after `timeoutMs`). */
export function closedAfter(port: number, bytes: Buffer, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${timeoutMs} ms; got: ${received.slice(0, 300)}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

export async function rawPlainLogin(
  port: number,
  credentials: { username: string; password: string },
  options: { preamble?: Buffer; localAddress?: string; settleMs?: number } = {},
): Promise<RawLogin> {
  const plain = connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
  const reader = new Reader();
  reader.attach(plain);
  await new Promise<void>((resolve, reject) => {
    plain.once('connect', resolve);
    plain.once('error', reject);
  });
  try {
    plain.write(Buffer.concat([options.preamble ?? Buffer.alloc(0), Buffer.from(STREAM_HEADER)]));
    await reader.until(/<\/stream:features>/);
    plain.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    await reader.until(/<proceed[^>]*\/>/);
    const secure = tlsConnect({ socket: plain, rejectUnauthorized: false });
    const tlsReader = new Reader();
    tlsReader.attach(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    secure.write(STREAM_HEADER);
    await tlsReader.until(/<\/stream:features>/);
    const token = Buffer.from(`\0${credentials.username}\0${credentials.password}`).toString('base64');
    secure.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${token}</auth>`);
    const answer = await tlsReader.until(/<success[^>]*(\/>|>[^<]*<\/success>)|<failure[\s\S]*?<\/failure>/);
    await tlsReader.settle(options.settleMs ?? 300);
    return { afterAuth: answer + tlsReader.text, closed: tlsReader.closed };
  } finally {
    plain.destroy();
  }
}
