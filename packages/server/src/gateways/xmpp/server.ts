/**
 * The XMPP listener: a TCP server for client streams (RFC 6120, port 5222 by
 * default) and the RFC 7395 WebSocket endpoint, both feeding XmppSession. It
 * owns the sockets, the TLS context and the table of bound resources on this
 * node; stopping it ends every stream with `system-shutdown`. A failing stream
 * only ever affects itself. Who the client is: the socket's peer, or, from a
 * trusted proxy (PARLEY_TRUSTED_PROXIES), the PROXY protocol header on TCP and
 * X-Forwarded-For on the WebSocket. A PROXY header from any other peer, or a
 * malformed one, closes the connection before a stream starts.
 */
import type { IncomingMessage } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { newId } from '../../domain/ids';
import { normalizeAddress, type ProxyTrust } from '../../net/client-address';
import { readPreamble } from '../../net/proxy-protocol';
import { buildRouter } from './handlers';
import { JidMapper } from './jid';
import { ResourceRegistry } from './resources';
import { XmppSession, type SessionOptions } from './session';
import { TcpTransport } from './transport-tcp';
import { WsTransport } from './transport-ws';

export const XMPP_WS_PATH = '/xmpp-websocket';

export type XmppGatewayOptions = Omit<SessionOptions, 'router' | 'jids' | 'resources' | 'resumable'> & {
  domain: string;
  /** Peers whose PROXY headers and X-Forwarded-For are believed. */
  proxyTrust: ProxyTrust;
};

const LOOPBACK = ['127.0.0.1', '::1'];
/** How often quiet streams give up their XML parser (XmlStreamParser.park). */
const PARK_EVERY_MS = 30_000;

export class XmppGateway {
  private readonly sessions = new Set<XmppSession>();
  private readonly sockets = new Set<Socket>();
  private readonly options: SessionOptions;
  private readonly wss: WebSocketServer;
  private server: Server | undefined;
  private readonly parking: ReturnType<typeof setInterval>;

  constructor(private readonly config: XmppGatewayOptions) {
    this.parking = setInterval(() => {
      for (const session of this.sessions) session.parkParser();
    }, PARK_EVERY_MS);
    this.parking.unref();
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
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const peer = normalizeAddress(socket.remoteAddress ?? '');
    const log = this.config.logger;
    // The first bytes say whether a proxy speaks first; a client waiting for us sends nothing and times out.
    readPreamble(socket, this.config.authTimeoutMs).then(
      (preamble) => {
        if (preamble.kind === 'invalid') {
          log.info({ peer, reason: preamble.reason }, 'xmpp: malformed PROXY header; connection closed');
          socket.destroy();
          return;
        }
        if (preamble.kind === 'header' && !this.config.proxyTrust.trusts(peer, 0)) {
          log.warn({ peer }, 'xmpp: PROXY header from a peer not in PARLEY_TRUSTED_PROXIES; connection closed');
          socket.destroy();
          return;
        }
        const source = preamble.kind === 'header' ? preamble.source : null;
        this.start(socket, secureContext, source ? normalizeAddress(source.address) : peer, preamble.rest);
      },
      () => socket.destroy(),
    );
  }

  private start(socket: Socket, secureContext: SecureContext, clientAddress: string, firstBytes: Buffer): void {
    if (socket.destroyed) return;
    const transport = new TcpTransport(socket, secureContext, clientAddress);
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
    transport.feed(firstBytes);
    socket.resume();
  }

  /** Handles an HTTP upgrade to /xmpp-websocket; returns false when the path is not ours. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (request.url ?? '').split('?')[0];
    if (path !== XMPP_WS_PATH) return false;
    const peer = normalizeAddress(request.socket.remoteAddress ?? '');
    // A local TLS-terminating proxy, or a trusted one that says the client came over https.
    const forwardedHttps =
      this.config.proxyTrust.trusts(peer, 0) &&
      request.headers['x-forwarded-proto']?.toString().split(',')[0]?.trim() === 'https';
    const secure = 'encrypted' in request.socket || LOOPBACK.includes(peer) || forwardedHttps;
    const clientAddress = this.config.proxyTrust.clientAddress(request);
    this.wss.handleUpgrade(request, socket, head, (ws) => this.startWebSocket(ws, secure, clientAddress));
    return true;
  }

  /** Apart from handleUpgrade so that no closure of the stream keeps its upgrade request. */
  private startWebSocket(ws: WebSocket, secure: boolean, clientAddress: string): void {
    const transport = new WsTransport(ws, secure, clientAddress);
    const session = new XmppSession(newId('k'), transport, this.options);
    this.track(session);
    transport.onData = (text) => session.receive(text);
    transport.onClose = () => {
      this.sessions.delete(session);
      session.onTransportClosed(transport);
    };
  }

  get size(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    clearInterval(this.parking);
    for (const session of this.sessions) session.streamError('system-shutdown', 'server shutting down');
    this.sessions.clear();
    for (const session of [...this.options.resumable.values()]) session.terminate();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
