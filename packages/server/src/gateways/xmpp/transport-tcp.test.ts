/**
 * The TCP transport decodes strict UTF-8 in streaming mode: a character whose bytes
 * arrive in separate reads comes out whole; bytes that are not UTF-8 are reported
 * once and nothing after them is delivered.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpTransport } from './transport-tcp';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A transport on the server side of a loopback connection, and the client socket. */
async function pair(): Promise<{ transport: TcpTransport; client: Socket; text: () => string; bad: () => number }> {
  let text = '';
  let bad = 0;
  const accepted = new Promise<TcpTransport>((resolve) => {
    server = createServer((socket) => {
      const transport = new TcpTransport(socket, createSecureContext({}), '127.0.0.1');
      transport.onData = (t) => (text += t);
      transport.onBadEncoding = () => (bad += 1);
      resolve(transport);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  const address = server!.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = connect(port, '127.0.0.1');
  client.setNoDelay(true);
  return { transport: await accepted, client, text: () => text, bad: () => bad };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('TcpTransport', () => {
  it('keeps a character whole when its bytes arrive in separate reads', async () => {
    const { transport, client, text, bad } = await pair();
    const bytes = Buffer.from('<body>é😀𝄞</body>');
    for (const byte of bytes) {
      client.write(Buffer.from([byte]));
      await tick();
    }
    await tick();
    expect(text()).toBe('<body>é😀𝄞</body>');
    expect(bad()).toBe(0);
    client.destroy();
    transport.destroy();
  });

  it('reports bytes that are not UTF-8 once, and delivers nothing after them', async () => {
    const { transport, client, text, bad } = await pair();
    client.write('<body>ok');
    await tick();
    client.write(Buffer.from([0xc3, 0x28]));
    await tick();
    client.write('more</body>');
    await tick();
    expect(text()).toBe('<body>ok');
    expect(bad()).toBe(1);
    client.destroy();
    transport.destroy();
  });
});
