/**
 * Requests the server makes to addresses that users chose (webhook receivers, link
 * previews; push endpoints later). The implementation (net/safe-fetch.ts)
 * refuses internal addresses unless an operator allowed them, connects to the address
 * it checked, follows no redirect, sends no cookie and bounds time and size. Services
 * receive it from main.ts and never open sockets themselves.
 */

export interface OutboundRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Text, or bytes (an encrypted push). */
  body?: string | Uint8Array;
  /** The whole exchange (DNS, connect, request, response) ends by then. */
  timeoutMs: number;
  /** At most this many bytes of the response body are read; the rest is dropped. */
  maxResponseBytes: number;
}

export interface OutboundResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The first `maxResponseBytes` of the body, decoded as UTF-8. */
  body: string;
  /** The same bytes as they came (an image a link preview copies). */
  bytes: Buffer;
  truncated: boolean;
}

/**
 * Why a request did not get a response: `bad_url` (not http(s), credentials in it,
 * unparsable), `refused_address` (the host is or resolves to an address that is not
 * allowed), `dns` (no address), `timeout`, `network` (refused, reset, TLS).
 */
export type OutboundFailure = 'bad_url' | 'refused_address' | 'dns' | 'timeout' | 'network';

export class OutboundError extends Error {
  constructor(
    readonly reason: OutboundFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundError';
  }
}

export interface OutboundHttp {
  /** @throws OutboundError */
  send(request: OutboundRequest): Promise<OutboundResponse>;
}
