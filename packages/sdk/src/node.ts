/**
 * Node entry point: everything the browser entry exports, plus `ws` as the
 * default WebSocket (Node 20 has no global one). The only SDK module allowed to
 * import Node-only code.
 *
 * @example
 * ```ts
 * import { createNodeClient } from '@parley/sdk/node';
 * const client = createNodeClient({ baseUrl: 'http://127.0.0.1:8080' });
 * await client.login({ username: 'bot', password: process.env.BOT_PASSWORD! });
 * await client.connect();
 * ```
 */
import WebSocket from 'ws';
import { ParleyClient } from './client';
import type { ParleyClientOptions } from './client-types';
import type { WebSocketConstructor } from './websocket';

export * from './index';
export { FileKeyStore } from './e2ee/keystore-file';

/** The `ws` package as a {@link WebSocketConstructor}. */
export const NodeWebSocket: WebSocketConstructor = WebSocket;

/** A {@link ParleyClient} that uses `ws` unless `options.WebSocket` says otherwise. */
export function createNodeClient(options: ParleyClientOptions): ParleyClient {
  return new ParleyClient({ ...options, WebSocket: options.WebSocket ?? NodeWebSocket });
}
