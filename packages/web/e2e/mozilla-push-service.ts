/**
 * A push service for Firefox in the tests: the browser side speaks Mozilla's WebSocket
 * push protocol (the one Firefox uses with its own service: `hello`, `register`,
 * `notification` and `ack` messages as JSON over one WebSocket), the application
 * server side RFC 8030 (POST the encrypted body to the endpoint it handed out, 201).
 * Firefox decrypts the payload itself (RFC 8291), so a notification that shows the
 * message's text proves the server's encryption and VAPID work with a real browser.
 * Point Firefox at it with `dom.push.serverURL` (and
 * `dom.push.testing.allowInsecureServerURL` for ws://).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export class MozillaPushService {
  private server: Server | undefined;
  private readonly sockets = new Map<string, WebSocket>();
  /** channelID -> uaid */
  private readonly channels = new Map<string, string>();
  readonly posts: { channelId: string; status: number; topic?: string; urgency?: string }[] = [];
  port = 0;

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const channelId = /^\/push\/([0-9a-f-]+)$/.exec(req.url ?? '')?.[1];
        const uaid = channelId === undefined ? undefined : this.channels.get(channelId);
        const socket = uaid === undefined ? undefined : this.sockets.get(uaid);
        if (req.method !== 'POST' || channelId === undefined || uaid === undefined) {
          this.posts.push({ channelId: channelId ?? '?', status: 404 });
          return void res.writeHead(404).end();
        }
        const headers: Record<string, string> = { encoding: String(req.headers['content-encoding'] ?? '') };
        this.posts.push({
          channelId,
          status: socket ? 201 : 202,
          topic: req.headers.topic as string | undefined,
          urgency: req.headers.urgency as string | undefined,
        });
        socket?.send(
          JSON.stringify({
            messageType: 'notification',
            channelID: channelId,
            version: randomUUID(),
            data: Buffer.concat(chunks).toString('base64url'),
            headers,
          }),
        );
        res.writeHead(201, { location: `/m/${randomUUID()}` }).end();
      });
    });
    const wss = new WebSocketServer({ server: this.server });
    wss.on('connection', (socket) => {
      let uaid = '';
      socket.on('message', (raw) => {
        const message = JSON.parse((raw as Buffer).toString('utf8')) as {
          messageType?: string;
          uaid?: string;
          channelID?: string;
        };
        switch (message.messageType) {
          case 'hello':
            uaid = message.uaid || randomUUID().replace(/-/g, '');
            this.sockets.set(uaid, socket);
            socket.send(JSON.stringify({ messageType: 'hello', uaid, status: 200, use_webpush: true }));
            break;
          case 'register': {
            const channelId = message.channelID ?? randomUUID();
            this.channels.set(channelId, uaid);
            socket.send(
              JSON.stringify({
                messageType: 'register',
                channelID: channelId,
                status: 200,
                pushEndpoint: `http://127.0.0.1:${this.port}/push/${channelId}`,
              }),
            );
            break;
          }
          case 'unregister':
            this.channels.delete(message.channelID ?? '');
            socket.send(JSON.stringify({ messageType: 'unregister', channelID: message.channelID, status: 200 }));
            break;
          case 'ack':
          case 'nack':
            break;
          default:
            // A ping is `{}`; answer in kind.
            socket.send('{}');
        }
      });
      socket.on('close', () => {
        if (this.sockets.get(uaid) === socket) this.sockets.delete(uaid);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets.values()) socket.terminate();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
