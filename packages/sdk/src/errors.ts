/**
 * The one error type the SDK throws or rejects with. It carries a code from the
 * protocol's error registry, so an app handles a server error and a local failure
 * (timeout, lost connection, closed client) the same way: look at `code` and
 * `retryable`. This module owns the conversions from wire and HTTP errors; it does
 * no I/O.
 */
import { errorSpec, isErrorCode, type ErrorCode, type WireError } from '@parley/protocol';

/** Why a local (not server-sent) `unavailable` error happened. */
export type LocalFailure = 'timeout' | 'disconnected' | 'closed' | 'network';

/** Options of {@link ParleyError} beyond code and message. */
export interface ParleyErrorOptions {
  /** Overrides the registry's retryable flag (the server's word wins when it sent one). */
  retryable?: boolean;
  /** HTTP status, when the error answered an HTTP request. */
  status?: number;
  /** Structured details from the server (e.g. `retryAfterMs`, schema problems) or the SDK (`reason`). */
  details?: Record<string, unknown>;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * An error reported by the Parley server or raised by the SDK.
 *
 * @example
 * ```ts
 * try {
 *   await client.conversations.get(id);
 * } catch (err) {
 *   if (err instanceof ParleyError && err.code === 'not_found') showGone();
 *   else throw err;
 * }
 * ```
 */
export class ParleyError extends Error {
  /** Stable code from the protocol registry. */
  readonly code: ErrorCode;
  /** True when the same request may succeed if retried later. */
  readonly retryable: boolean;
  /** HTTP status for errors that answered an HTTP request. */
  readonly status?: number;
  /** Structured details; SDK-raised errors carry `reason` (a {@link LocalFailure}). */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ParleyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParleyError';
    this.code = code;
    this.retryable = options.retryable ?? errorSpec(code).retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.details !== undefined) this.details = options.details;
  }

  /** Milliseconds the server asked us to wait before retrying (`rate_limited`), if any. */
  get retryAfterMs(): number | undefined {
    const value = this.details?.['retryAfterMs'];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  }

  /** The local failure behind an SDK-raised error, if it is one. */
  get localFailure(): LocalFailure | undefined {
    const reason = this.details?.['reason'];
    return reason === 'timeout' || reason === 'disconnected' || reason === 'closed' || reason === 'network'
      ? reason
      : undefined;
  }
}

/** Builds a {@link ParleyError} from an error object received on the wire. */
export function fromWireError(error: WireError, status?: number): ParleyError {
  const options: ParleyErrorOptions = { retryable: error.retryable };
  if (status !== undefined) options.status = status;
  if (error.details !== undefined) options.details = error.details;
  return new ParleyError(error.code, error.message, options);
}

/**
 * Builds a {@link ParleyError} from an untrusted error body (HTTP `ErrorResponse`),
 * falling back to `internal` when the body is not one.
 */
export function fromErrorBody(body: unknown, status: number): ParleyError {
  const error = isRecord(body) ? body['error'] : undefined;
  if (isRecord(error) && isErrorCode(error['code'])) {
    const message = typeof error['message'] === 'string' ? error['message'] : error['code'];
    const options: ParleyErrorOptions = { status };
    if (typeof error['retryable'] === 'boolean') options.retryable = error['retryable'];
    if (isRecord(error['details'])) options.details = error['details'];
    return new ParleyError(error['code'], message, options);
  }
  return new ParleyError('internal', `unexpected HTTP ${status} response`, { status, retryable: status >= 500 });
}

/** A retryable `unavailable` error raised by the SDK itself. */
export function localError(reason: LocalFailure, message: string, cause?: unknown): ParleyError {
  return new ParleyError('unavailable', message, { retryable: true, details: { reason }, cause });
}

/** Wraps anything thrown into a {@link ParleyError} (non-Parley errors become `internal`). */
export function toParleyError(err: unknown): ParleyError {
  if (err instanceof ParleyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ParleyError('internal', message, { cause: err });
}

/** True for plain objects (not arrays, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
