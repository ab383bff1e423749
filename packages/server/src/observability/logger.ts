/** Structured JSON logs on stdout (pino). Tests pass a silent logger. */
import { pino } from 'pino';
import type { Logger } from '../ports/logger';

export function createLogger(level: string): Logger & pino.Logger {
  return pino({ level, base: { service: 'parley' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
