/**
 * The slice of the WebSocket API the SDK uses, so that the browser's global
 * `WebSocket` and the `ws` package (see node.ts) both fit, and tests can pass a
 * small in-memory stand-in.
 */

/** A handler property type that accepts handlers of wider event types (both DOM and `ws`). */
type Listener<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** What the SDK needs from a WebSocket instance. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Listener<unknown> | null;
  onmessage: Listener<{ data: unknown }> | null;
  onclose: Listener<{ code: number; reason: string }> | null;
  onerror: Listener<unknown> | null;
}

/** A WebSocket constructor: the browser global, `ws`, or a test double. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** `readyState` of an open socket (same value in browsers and `ws`). */
export const WS_OPEN = 1;

/** The global WebSocket constructor, if this runtime has one. */
export function globalWebSocket(): WebSocketConstructor | undefined {
  const candidate = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof candidate === 'function' ? (candidate as WebSocketConstructor) : undefined;
}

/** The WebSocket URL of a server: `http(s)://host/base` -> `ws(s)://host/base/v1/ws`. */
export function webSocketUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/ws`;
  url.search = '';
  url.hash = '';
  return url.toString();
}
