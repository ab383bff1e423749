/**
 * The one place per gateway where a thrown value becomes a wire error: AppErrors
 * keep their code; anything else is logged with its cause and reported as
 * `internal`, telling the client nothing private.
 */
import type { WireError } from '@parley/protocol';
import { AppError } from '../domain/errors';
import type { Logger } from '../ports/logger';

export function toWireError(error: unknown, logger: Logger, context: Record<string, unknown>): WireError {
  if (error instanceof AppError) return error.toWire();
  logger.error({ err: error, ...context }, 'unexpected error');
  return { code: 'internal', message: 'Unexpected server error; nothing was written. Retry later.', retryable: true };
}
