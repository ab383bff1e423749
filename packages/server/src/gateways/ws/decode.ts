/**
 * Raw WebSocket data to a validated client frame, or the typed error to answer.
 * Validators are compiled once from the protocol's schemas.
 */
import {
  ClientFrameSchemas,
  isClientFrameType,
  type ClientFrame,
  type ClientFrameType,
  type WireError,
} from '@parley/protocol';
import { Compile } from 'typebox/compile';

const validators = Object.fromEntries(
  Object.entries(ClientFrameSchemas).map(([type, schema]) => [type, Compile(schema)]),
) as { [K in ClientFrameType]: ReturnType<typeof Compile<(typeof ClientFrameSchemas)[K]>> };

export type Decoded = { ok: true; frame: ClientFrame } | { ok: false; re: string | null; error: WireError };

function fail(re: string | null, code: WireError['code'], message: string, details?: Record<string, unknown>): Decoded {
  const error: WireError = { code, message, retryable: false };
  if (details) error.details = details;
  return { ok: false, re, error };
}

export function decodeFrame(text: string, byteLength: number, maxFrameBytes: number): Decoded {
  if (byteLength > maxFrameBytes) {
    return fail(null, 'frame_too_large', `The frame has ${byteLength} bytes; the limit is ${maxFrameBytes}.`, {
      bytes: byteLength,
      maxFrameBytes,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail(null, 'malformed_json', 'The frame is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(null, 'bad_request', 'A frame is a JSON object with `type`, `id` and `data`.');
  }
  const record = value as Record<string, unknown>;
  const re = typeof record.id === 'string' && record.id.length <= 64 ? record.id : null;
  if (!isClientFrameType(record.type)) {
    return fail(re, 'unknown_frame', `Unknown frame type ${JSON.stringify(record.type)}.`, {
      known: Object.keys(ClientFrameSchemas),
    });
  }
  const validator = validators[record.type];
  if (!validator.Check(value)) {
    const problems = [...validator.Errors(value)]
      .slice(0, 10)
      .map((e) => ({ path: e.instancePath || '/', message: e.message }));
    return fail(re, 'bad_request', `The ${record.type} frame does not match its schema.`, { problems });
  }
  return { ok: true, frame: value };
}
