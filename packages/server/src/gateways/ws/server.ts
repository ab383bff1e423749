/**
 * The WebSocket endpoint at /v1/ws on the HTTP server. Frames larger than the
 * configured limit get `frame_too_large` and the connection stays open; frames
 * beyond four times the limit are refused by the socket layer itself (close 1009)
 * so that no client can make the server buffer without bound.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode } from '@parley/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { newId } from '../../domain/ids';
import type { ProxyTrust } from '../../net/client-address';
import { WsConnection, type ConnectionOptions } from './connection';

export const WS_PATH = '/v1/ws';

export class WsGateway {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<WsConnection>();

  constructor(private readonly options: ConnectionOptions & { proxyTrust: ProxyTrust }) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.limits.maxFrameBytes * 4,
      perMessageDeflate: false,
    });
  }

  /** Handles an HTTP upgrade; returns false when the path is not ours. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (request.url ?? '').split('?')[0];
    if (path !== WS_PATH) return false;
    // Behind a trusted proxy, the client it names in X-Forwarded-For (net/client-address.ts).
    const address = this.options.proxyTrust.clientAddress(request);
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, address));
    return true;
  }

  /** Apart from handleUpgrade so that no closure of a connection keeps its upgrade request (about 1.5 KB with its headers). */
  private accept(ws: WebSocket, address: string): void {
    const connection = new WsConnection(newId('k'), ws, this.options, { address });
    this.connections.add(connection);
    ws.on('close', () => this.connections.delete(connection));
  }

  get size(): number {
    return this.connections.size;
  }

  /**
   * Closes every connection (1001 going away by default). Resolves when what their
   * ends write is stored: the users' last-seen times, which the store batches into a
   * few commits however many connections close at once.
   */
  closeAll(code: number = CloseCode.goingAway, reason = 'server shutting down'): Promise<void> {
    const closing = [...this.connections];
    this.connections.clear();
    for (const connection of closing) connection.close(code, reason);
    return Promise.all(closing.map((connection) => connection.departed())).then(() => undefined);
  }

  async close(): Promise<void> {
    await this.closeAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
