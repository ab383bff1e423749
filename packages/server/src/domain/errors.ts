/**
 * AppError: the one error type services throw. Its code comes from the protocol's
 * registry, which fixes the HTTP status and whether a retry can help. Gateways turn
 * anything else into `internal` in one place each.
 */
import { ERROR_CODES, type ErrorCode, type WireError } from '@parley/protocol';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }

  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.details) wire.details = this.details;
    return wire;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
