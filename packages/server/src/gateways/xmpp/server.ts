/**
 * The XMPP listener: a TCP server for client streams (RFC 6120, port 5222 by
 * default) and the RFC 7395 WebSocket endpoint, both feeding XmppSession. It
 * owns the sockets, the TLS context and the table of bound resources on this
 * node; stopping it ends every stream with `system-shutdown`. A failing stream
 * only ever affects itself.
 */
import type { IncomingMessage } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { WebSocketServer } from 'ws';
import { newId } from '../../domain/ids';
import { buildRouter } from './handlers';
import { JidMapper } from './jid';
import { ResourceRegistry } from './resources';
import { XmppSession, type SessionOptions } from './session';
import { TcpTransport } from './transport-tcp';
import { WsTransport } from './transport-ws';

export const XMPP_WS_PATH = '/xmpp-websocket';

export type XmppGatewayOptions = Omit<SessionOptions, 'router' | 'jids' | 'resources' | 'resumable'> & {
  domain: string;
};

export class XmppGateway {
  private readonly sessions = new Set<XmppSession>();
  private readonly sockets = new Set<Socket>();
  private readonly options: SessionOptions;
  private readonly wss: WebSocketServer;
  private server: Server | undefined;

  constructor(private readonly config: XmppGatewayOptions) {
    this.options = {
      ...config,
      router: buildRouter(),
      jids: new JidMapper(config.domain),
      resources: new ResourceRegistry(),
      resumable: new Map(),
    };
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.limits.maxStanzaChars * 4,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has('xmpp') ? 'xmpp' : false),
    });
  }

  /** Listens on TCP; resolves with the port. */
  async listen(host: string, port: number, secureContext: SecureContext): Promise<number> {
    const server = createServer((socket) => this.accept(socket, secureContext));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  private track(session: XmppSession): void {
    this.sessions.add(session);
  }

  private accept(socket: Socket, secureContext: SecureContext): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const transport = new TcpTransport(socket, secureContext);
    const session = new XmppSession(newId('k'), transport, this.options);
    this.track(session);
    transport.onData = (text) => session.receive(text);
    // RFC 6120 4.9.3.22: bytes that violate UTF-8 are `unsupported-encoding`.
    transport.onBadEncoding = () => session.streamError('unsupported-encoding', 'the stream is not valid UTF-8');
    transport.onClose = () => {
      this.sockets.delete(socket);
      this.sessions.delete(session);
      session.onTransportClosed(transport);
    };
  }

  /** Handles an HTTP upgrade to /xmpp-websocket; returns false when the path is not ours. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (request.url ?? '').split('?')[0];
    if (path !== XMPP_WS_PATH) return false;
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const address = request.socket.remoteAddress ?? '';
      const secure = 'encrypted' in request.socket || ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(address);
      const transport = new WsTransport(ws, secure);
      const session = new XmppSession(newId('k'), transport, this.options);
      this.track(session);
      transport.onData = (text) => session.receive(text);
      transport.onClose = () => {
        this.sessions.delete(session);
        session.onTransportClosed(transport);
      };
    });
    return true;
  }

  get size(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    for (const session of this.sessions) session.streamError('system-shutdown', 'server shutting down');
    this.sessions.clear();
    for (const session of [...this.options.resumable.values()]) session.terminate();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
